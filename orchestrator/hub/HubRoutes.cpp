#include "orchestrator/hub/HubRoutes.h"

#include "orchestrator/api/ControlPlane.h"
#include "orchestrator/http/Router.h"
#include "orchestrator/hub/AgentHub.h"
#include "orchestrator/policy/AccessPolicy.h"
#include "orchestrator/runs/RunState.h"

namespace mr::orch {

void registerHubRoutes(Router& router, AgentHub& hub) {
    router.add("POST", QStringLiteral("/api/v1/machines/{id}/rotate-key"), [&hub](Context& ctx) {
        const QString id = ctx.request.param(QStringLiteral("id"));
        Subject subject;
        MachineRow machine;
        ctx.db.transaction([&] {
            machine = visibleMachine(ctx, id, &subject, true);
            require(subject, Action::EditMachine, machine.name);
            runs::requestKeyRotation(ctx.db, id);
        });
        hub.keyRotationRequested(id);
        machine.keyRotationRequested = true;
        return HttpResponse::json(202, machineJson(machine, subject));
    });
}

} // namespace mr::orch

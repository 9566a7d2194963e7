#pragma once

namespace mr::orch {

class AgentHub;
class Router;

/// Routes that reach the agent hub: `POST /api/v1/machines/{id}/rotate-key` (co-owner) → 202. The
/// machine counts as in maintenance (no new runs) until it answers with `keyRotated`.
void registerHubRoutes(Router& router, AgentHub& hub);

} // namespace mr::orch

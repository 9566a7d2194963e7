#pragma once

namespace mr::orch {

class Router;

/// `POST/GET /api/v1/environments/{env}/schedules`, `DELETE /api/v1/schedules/{id}`. Firing is
/// runs/SchedulesFiring.h.
void registerScheduleRoutes(Router& router);

} // namespace mr::orch

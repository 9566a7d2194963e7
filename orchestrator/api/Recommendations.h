#pragma once

namespace mr::orch {

class Router;

/// `GET /api/v1/environments/{env}/recommendations` and
/// `POST /api/v1/recommendations/{id}/disconnect-users` (REQUIREMENTS R23). The scheduler makes
/// and expires the recommendations; these routes show them to their owner and carry out the
/// *Disconnect users* action.
void registerRecommendationRoutes(Router& router);

} // namespace mr::orch

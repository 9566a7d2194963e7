#pragma once

namespace mr::orch {

class Router;

/// The sign-in routes: OpenID discovery and JWKS, the authorization endpoint with its HTML
/// sign-in page (authorization code + PKCE S256, loopback redirects only), the token endpoint
/// (authorization_code, refresh_token, and client_credentials with a machine assertion), and the
/// caller's personal access tokens under /api/v1/me/tokens. Uses ctx.services.tokens and
/// ctx.services.keys.
void registerAuthRoutes(Router& router);

} // namespace mr::orch

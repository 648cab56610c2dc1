package com.secondheart.support.security;

import io.quarkus.arc.Arc;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Register on a REST client ({@code @RegisterProvider(ServiceTokenFilter.class)}) to call another
 * service with this service's own token.
 */
public class ServiceTokenFilter implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        if (!request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            var tokens = Arc.container().instance(ServiceTokens.class).get();
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, tokens.authorizationHeader());
        }
    }
}

package com.secondheart.dashboard.signin.service;

import com.secondheart.credentials.PasswordHash;
import com.secondheart.dashboard.config.DashboardConfig;
import com.secondheart.support.problem.ProblemException;
import com.secondheart.support.security.Roles;
import com.secondheart.support.security.SecurityConfig;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard as the demo identity provider: checks a username and password against the users file and signs a
 * bearer token (issuer {@code sh.security.issuer}, audience {@code sh.security.people-audience}, {@code upn},
 * {@code groups} = [role], claim {@code clinics}) with the people key ({@code sh.security.people-signing-key-location},
 * kid the first of {@code sh.security.people-key-ids}). Every service trusts it because the fleet's JWKS has that key,
 * and honours only people's roles from it (docs/security.md, "Tokens").
 * Without a users file this is switched off and only tokens of a real identity provider are accepted.
 */
@ApplicationScoped
public class SignInService {

    /** The roles that may use the dashboard, and so the only roles a users-file line may name. */
    public static final Set<String> DASHBOARD_ROLES = Set.of(Roles.OPERATIONS, Roles.CLINIC_STAFF, Roles.FLEET_ADMIN);

    /** One answer for an unknown user and a wrong password, so the answer never tells which usernames exist. */
    public static final String WRONG_CREDENTIALS = "The username or password is not right.";

    private static final Logger LOG = Logger.getLogger(SignInService.class);

    public record Signed(String token, Instant expiresAt, SignedInUser user) {
    }

    public record SignedInUser(String name, List<String> roles, List<String> clinics) {
    }

    private final DashboardConfig.SignIn config;
    private final SecurityConfig security;
    private final Optional<UsersFile> users;
    private final Clock clock;
    private final SignInThrottle throttle;
    private volatile PrivateKey key;

    SignInService(DashboardConfig config, SecurityConfig security, Clock clock) {
        this.clock = clock;
        this.config = config.signIn();
        this.security = security;
        var limits = this.config.throttle();
        this.throttle = new SignInThrottle(new SignInThrottle.Settings(limits.freeFailures(), limits.firstDelay(),
                limits.maxDelay(), limits.addressFailures(), limits.addressWindow()), clock);
        this.users = this.config.usersFile().map(path -> new UsersFile(Path.of(path), DASHBOARD_ROLES));
        users.ifPresentOrElse(
                file -> LOG.infof("Sign-in with a password is on: users from %s (%d now)", file.path(), file.size()),
                () -> LOG.info("Sign-in with a password is off (no sh.dashboard.sign-in.users-file): "
                        + "only tokens from the identity provider are accepted"));
    }

    public boolean enabled() {
        return users.isPresent();
    }

    /** Too many failed sign-ins from this address (for this account, or for any): try again after {@code retryAfter}. */
    public static final class Throttled extends RuntimeException {
        private final Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("too many failed sign-ins; retry after " + retryAfter, null, false, false);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Blocking (PBKDF2): call it on a worker thread. {@code address} is the caller's address as the HTTP layer sees it;
     * failed attempts are throttled per account and address and per address ({@link SignInThrottle}).
     */
    public Signed signIn(String username, String password, String address) {
        var file = users.orElseThrow(() -> ProblemException.notFound(
                "Signing in with a password is not enabled on this dashboard; sign in through your organisation's identity provider."));
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw ProblemException.badRequest("Give both a username and a password.");
        }
        var refusal = throttle.refusal(username, address);
        if (refusal.isPresent()) {
            throw new Throttled(refusal.get());
        }
        try {
            var signed = check(file, username, password);
            throttle.succeeded(username, address);
            return signed;
        } catch (ProblemException refused) {
            if (refused.status() == 401) {
                throttle.failed(username, address);
            }
            throw refused;
        }
    }

    private Signed check(UsersFile file, String username, String password) {
        var user = file.find(username.strip());
        boolean matches;
        if (user.isPresent()) {
            matches = user.get().password().matches(password);
        } else {
            // Derive a hash all the same: an unknown name takes as long as a known name with a wrong password.
            PasswordHash.of(password, file.typicalIterations());
            matches = false;
        }
        if (!matches) {
            LOG.infof("Sign-in refused for a username of %d characters", username.length());
            throw new ProblemException(401, "Unauthorized", WRONG_CREDENTIALS);
        }
        return issue(user.get());
    }

    private Signed issue(DemoUser user) {
        var now = clock.instant();
        var expiresAt = now.plus(config.tokenLifetime());
        var token = Jwt.issuer(security.issuer())
                .audience(security.peopleAudience())
                .subject(user.username())
                .upn(user.username())
                .groups(Set.of(user.role()))
                .claim(security.clinicsClaim(), user.clinics())
                .issuedAt(now)
                .expiresAt(expiresAt)
                .jws().keyId(security.peopleKeyIds().get(0))
                .sign(signingKey());
        LOG.infof("%s signed in as %s", user.username(), user.role());
        return new Signed(token, expiresAt, new SignedInUser(user.username(), List.of(user.role()), user.clinics()));
    }

    private PrivateKey signingKey() {
        if (key == null) {
            var location = security.peopleSigningKeyLocation().orElseThrow(() -> ProblemException.unavailable(
                    "The dashboard has no people signing key (sh.security.people-signing-key-location), so it cannot sign anyone in."));
            try {
                key = KeyUtils.decodePrivateKey(Files.readString(Path.of(location.replaceFirst("^file:", ""))));
            } catch (IOException | GeneralSecurityException e) {
                LOG.errorf("The signing key at %s cannot be read: %s", location, e.getMessage());
                throw ProblemException.unavailable("The dashboard cannot read its signing key, so it cannot sign anyone in.");
            }
        }
        return key;
    }
}

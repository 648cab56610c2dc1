package com.secondheart.dashboard.signin;

import com.secondheart.credentials.PasswordHash;
import com.secondheart.dashboard.signin.service.SignInService;
import com.secondheart.dashboard.signin.service.UsersFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersFileTest {

    @TempDir
    Path dir;

    @Test
    void eachLineGivesAUserWithRoleClinicsAndAHashThatKnowsThePassword() throws Exception {
        var file = dir.resolve("users.txt");
        Files.writeString(file, "# comment\n\nharbour.desk:clinic-staff:clinic-harbour, clinic-bay:"
                + PasswordHash.of("s3cret", 1000).encoded() + "\n");

        var user = new UsersFile(file, SignInService.DASHBOARD_ROLES).find("harbour.desk").orElseThrow();

        assertEquals("clinic-staff", user.role());
        assertEquals(List.of("clinic-harbour", "clinic-bay"), user.clinics());
        assertTrue(user.password().matches("s3cret"));
        assertFalse(user.password().matches("s3cret "));
    }

    @Test
    void linesThatCannotBeReadOrNameAnotherRoleAreSkippedAndTheRestStillWork() throws Exception {
        var file = dir.resolve("users.txt");
        Files.writeString(file, String.join("\n",
                "just-a-name",
                "svc:service::" + PasswordHash.of("x", 1000).encoded(),
                "nohash:operations::plain-text-password",
                "ops:operations::" + PasswordHash.of("x", 1000).encoded()));

        var users = new UsersFile(file, SignInService.DASHBOARD_ROLES);

        assertEquals(1, users.size());
        assertTrue(users.find("ops").isPresent());
        assertTrue(users.find("svc").isEmpty());
    }

    @Test
    void theFileIsReadAgainWhenItChanges() throws Exception {
        var file = dir.resolve("users.txt");
        Files.writeString(file, "ops:operations::" + PasswordHash.of("x", 1000).encoded() + "\n");
        var users = new UsersFile(file, SignInService.DASHBOARD_ROLES);
        assertTrue(users.find("ops").isPresent());

        Files.writeString(file, "admin:fleet-admin::" + PasswordHash.of("y", 1000).encoded() + "\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));

        assertTrue(users.find("ops").isEmpty());
        assertTrue(users.find("admin").isPresent());
    }

    @Test
    void aHashInTheGatewaysFormIsReadBackExactly() {
        var hash = PasswordHash.of("pw", 1000);
        var again = PasswordHash.parse(hash.encoded()).orElseThrow();

        assertEquals(hash.encoded(), again.encoded());
        assertTrue(again.matches("pw"));
        assertTrue(PasswordHash.parse("PBKDF2$sha256$1000$AAAA$BBBB").isEmpty());
        assertTrue(PasswordHash.parse("PBKDF2$sha512$many$AAAA$BBBB").isEmpty());
    }
}

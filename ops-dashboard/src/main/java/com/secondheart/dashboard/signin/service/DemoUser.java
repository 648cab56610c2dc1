package com.secondheart.dashboard.signin.service;

import com.secondheart.credentials.PasswordHash;

import java.util.List;

/** One line of the users file: who, in which role, for which clinics (clinic-staff), and the password's hash. */
public record DemoUser(String username, String role, List<String> clinics, PasswordHash password) {
}

package dev.saesplit.airflow;

import java.util.Objects;

/** A user of Airflow's auth manager. The password never appears in {@link #toString()}, logs or messages. */
public record AirflowCredentials(String username, String password) {

    public AirflowCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "AirflowCredentials[username=" + username + ", password=(hidden)]";
    }
}

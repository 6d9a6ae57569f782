package dev.saesplit.stack;

import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second saesplit process, for tests: opens the local database of the state directory named by its argument,
 * prints {@code ready}, and closes it when a line arrives on its input (or dies when killed).
 */
public final class StackUser {

    private StackUser() {
    }

    public static void main(String[] args) throws Exception {
        try (Database database = Database.open(DatabaseConfig.local(Path.of(args[0])))) {
            System.out.println("ready " + ProcessHandle.current().pid());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("closed");
    }
}

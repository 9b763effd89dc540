package org.aurorawebhooks.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** Runs the CLI in-process with its own streams and an empty environment, from a config map. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> config, String... args) throws Exception {
        return runWithEnvironment(config, Map.of(), args);
    }

    /** As {@link #run}, with these environment variables. */
    static CliRun runWithEnvironment(Map<String, String> config, Map<String, String> env, String... args) throws Exception {
        Path file = Files.createTempFile("aurora-cli-", ".properties");
        Properties p = new Properties();
        p.putAll(config);
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = file.toString();
        return runRawWithEnvironment(env, all);
    }

    static CliRun runRaw(String... args) {
        return runRawWithEnvironment(Map.of(), args);
    }

    static CliRun runRawWithEnvironment(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        // Also on this JVM's own output, which the suite-wide secret scan reads: what a user's terminal shows.
        System.out.print("aurora-reconciler " + String.join(" ", args) + " (exit " + code + ")\n" + out);
        System.err.print(err);
        return new CliRun(code, out.toString(), err.toString());
    }
}

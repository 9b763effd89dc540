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
        return runRaw(all);
    }

    static CliRun runRaw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
        return new CliRun(code, out.toString(), err.toString());
    }
}

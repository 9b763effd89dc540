package org.aurorawebhooks.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Map;
import org.aurorawebhooks.cli.Main;

/** The reconcile under measurement: the real CLI, then the JVM's peak heap use. */
public final class ReconcileBenchmarkChild {
    public static void main(String[] args) {
        int code = Main.run(new String[] {"reconcile", "--config", args[0]}, new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.Charset.defaultCharset()), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.Charset.defaultCharset()), true), Map.of());
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak-heap-mb=" + peak / (1024 * 1024) + " (sum of the heap pools' peaks: an upper bound)");
        System.exit(code);
    }
}

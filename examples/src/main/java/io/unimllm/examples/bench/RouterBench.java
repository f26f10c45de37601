package io.unimllm.examples.bench;

import io.unimllm.geometry.Box;
import io.unimllm.geometry.Grounding;
import io.unimllm.protocol.TaskCall;
import io.unimllm.router.TaskResult;
import io.unimllm.router.TaskRouter;
import io.unimllm.router.spi.ExpertDescriptor;
import io.unimllm.router.spi.ExpertModel;
import io.unimllm.router.spi.ExpertRequest;
import io.unimllm.router.spi.ExpertResult;
import io.unimllm.router.spi.InputKind;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Router overhead: wall time of {@code route()} minus the experts' own time, per task, with experts that do a fixed
 * small amount of work, for answers of 1 and 4 tasks (median of many rounds after warm-up).
 */
final class RouterBench {
    private RouterBench() {
    }

    /** An expert that spins for {@code micros} and returns its name. */
    private static ExpertModel spinning(String name, long micros) {
        return new ExpertModel() {
            @Override
            public ExpertDescriptor describe() {
                return new ExpertDescriptor(name, Set.of(name), Set.of(InputKind.BOX), Set.of(), 0);
            }

            @Override
            public ExpertResult run(ExpertRequest request) {
                long end = System.nanoTime() + micros * 1000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return ExpertResult.ofText(name);
            }
        };
    }

    static List<String> run(PrintStream out) {
        List<String> json = new ArrayList<>();
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        out.println();
        out.println("| tasks per answer | expert time (each) | route() wall time | dispatch overhead per task |");
        out.println("|---|---|---|---|");
        for (int tasks : new int[] {1, 4}) {
            TaskRouter.Builder b = TaskRouter.builder();
            List<TaskCall> calls = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                b.expert(spinning("t" + i, 200)); // nothing to close: they hold no resources
                calls.add(new TaskCall("t" + i, "", List.of(Grounding.of(new Box(0, 0, 8, 8))), Optional.empty(), i));
            }
            try (TaskRouter router = b.build()) {
                int rounds = 400;
                double[] overhead = new double[rounds];
                double[] wall = new double[rounds];
                for (int r = -100; r < rounds; r++) {
                    long s = System.nanoTime();
                    List<TaskResult> res = router.route(image, "bench", calls);
                    long e = System.nanoTime();
                    double expertMax = res.stream().mapToLong(t -> t.elapsed().toNanos()).max().orElse(0);
                    if (r >= 0) {
                        wall[r] = (e - s) / 1e3;
                        overhead[r] = ((e - s) - expertMax) / 1e3 / tasks;
                    }
                }
                Stats w = Stats.of(wall);
                Stats o = Stats.of(overhead);
                out.printf(Locale.ROOT, "| %d | 200 us | %.0f us | %.1f us |%n", tasks, w.median(), o.median());
                json.add(String.format(Locale.ROOT, "{\"runtime\":\"unimllm\",\"router\":\"dispatch\",\"tasks\":%d,"
                        + "\"expert_us\":200,\"route_wall_us\":%.1f,\"overhead_us_per_task\":%.2f}", tasks, w.median(),
                        o.median()));
            }
        }
        return json;
    }
}

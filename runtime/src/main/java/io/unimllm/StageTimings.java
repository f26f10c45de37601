package io.unimllm;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time of each stage of one request, in execution order: {@code preprocess}, {@code vision_encode},
 * {@code prefill}, {@code decode}, {@code parse}, {@code route} (dispatch plus waiting), and {@code expert:<name>}
 * per task (the expert's own time; experts overlap, so these can sum to more than {@code route}).
 *
 * @param stages stage name -> duration
 */
public record StageTimings(Map<String, Duration> stages) {
    /**
     * Copies the map, keeping its order.
     *
     * @param stages stage name -> duration
     */
    public StageTimings {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /**
     * The duration of one stage.
     *
     * @param stage the stage's name
     * @return its wall time, zero when it did not run
     */
    public Duration get(String stage) {
        return stages.getOrDefault(stage, Duration.ZERO);
    }

    /**
     * The sum of the sequential stages (everything but the per-expert entries).
     *
     * @return the request's wall time as the stages account for it
     */
    public Duration total() {
        return stages.entrySet().stream().filter(e -> !e.getKey().startsWith("expert:")).map(Map.Entry::getValue)
                .reduce(Duration.ZERO, Duration::plus);
    }
}

package r1j.pipeline;

/**
 * The sizes of a whole pipeline run. {@code tiny} is the README's run (world.md's calibrated miniature); {@code nano}
 * runs every stage in minutes for CI, where only that the stages run and their figures are finite is checked; its
 * base is too small to write cold-start data, so the world's own worked solutions stand in (coldStartWorked).
 */
public record PipelinePreset(
        String name, String modelPreset, long pretrainTokens, int trainProblems, int testProblems, int generalTestProblems,
        int r1ZeroSteps, int coldStartProblems, int coldStartSamples, int coldStartWorked, int sftEpochs, int sftBatch, int reasoningRlSteps,
        int rejectionProblems, int rejectionSamples, int rmPairs, int rmEpochs, int rlAllSteps, String studentPreset,
        long studentPretrainTokens, int distillProblems, int studentRlSteps, int evalK, int maxCompletionTokens, boolean forceGate) {

    public static PipelinePreset of(String name) {
        return switch (name) {
            case "tiny" -> new PipelinePreset("tiny", "tiny", 16_000_000L, 20_000, 500, 200, 400, 1000, 4, 0, 8, 16, 400, 4000, 4, 2000, 2, 200, "tiny-student",
                    6_000_000L, 4000, 200, 8, 128, false);
            case "nano" -> new PipelinePreset("nano", "nano", 200_000L, 400, 24, 12, 3, 12, 2, 48, 1, 8, 3, 24, 2, 64, 1, 3, "nano-student", 100_000L, 24, 3,
                    2, 48, true);
            default -> throw new IllegalArgumentException("unknown pipeline preset '" + name + "' (tiny, nano)");
        };
    }
}

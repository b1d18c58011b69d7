package r1j.bench;

/**
 * One benchmarked product: C[M,N] with reduction length K in one of the three layouts a linear layer needs.
 * NT is the forward x·Wᵀ (W stored [N,K]); NN is the input gradient dY·W; TN is the weight gradient dYᵀ·X.
 */
public record MatmulShape(int m, int n, int k, String layout) {
    public static final int[][] DEFAULT_SHAPES = {
        {4096, 256, 256}, {4096, 1024, 256}, {4096, 256, 1024}, {256, 256, 4096}, {1024, 1024, 1024}};
    public static final String[] LAYOUTS = {"NT", "NN", "TN"};

    public boolean transA() {
        return layout.charAt(0) == 'T';
    }

    public boolean transB() {
        return layout.charAt(1) == 'T';
    }

    public int lda() {
        return transA() ? m : k;
    }

    public int ldb() {
        return transB() ? k : n;
    }

    public double flops() {
        return 2.0 * m * n * k;
    }

    public String shape() {
        return m + "x" + n + "x" + k;
    }

    public static String describe(String layout) {
        return switch (layout) {
            case "NT" -> "x·Wᵀ";
            case "NN" -> "dY·W";
            case "TN" -> "dYᵀ·X";
            default -> layout;
        };
    }
}

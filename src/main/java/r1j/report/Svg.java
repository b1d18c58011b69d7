package r1j.report;

import java.util.List;
import java.util.Locale;

/**
 * Line charts as inline SVG: no script and no network needed to see them. Each polyline carries its points in a
 * data-points attribute ("x,y x,y …" in data units) so a test can check that what is drawn is what the file held.
 */
final class Svg {
    // Twelve, so that the whole pipeline's runs (eleven stages and the run folder) each get their own.
    static final String[] COLORS = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04",
        "#db2777", "#65a30d", "#92400e", "#111827"};
    private static final int W = 420, H = 220, L = 48, R = 10, T = 22, B = 28;

    private Svg() {}

    static String chart(String title, List<Series> series, List<String> labels, List<Integer> runs) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                x0 = Math.min(x0, s.x()[i]);
                x1 = Math.max(x1, s.x()[i]);
                y0 = Math.min(y0, s.y()[i]);
                y1 = Math.max(y1, s.y()[i]);
            }
        }
        if (!Double.isFinite(x0)) return "";
        if (x1 == x0) x1 = x0 + 1;
        if (y1 == y0) {
            y1 = y0 + 1;
            y0 = y0 - 1;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-metric=\"%s\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                + "xmlns=\"http://www.w3.org/2000/svg\">", Html.escape(title), W, H, W, H));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"15\" class=\"title\">%s</text>", L, Html.escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>", L, T, W - L - R, H - T - B));
        for (int k = 0; k <= 4; k++) {
            double v = y0 + (y1 - y0) * k / 4;
            double py = T + (H - T - B) * (1 - (double) k / 4);
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>", L - 4, py + 3, fmt(v)));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", L, W - R, py, py));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">step %d</text>", L, H - 8, Math.round(x0)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">step %d</text>", W - R, H - 8, Math.round(x1)));
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            StringBuilder px = new StringBuilder(), data = new StringBuilder();
            for (int i = 0; i < se.x().length; i++) {
                if (!Double.isFinite(se.y()[i])) continue;
                double cx = L + (W - L - R) * (se.x()[i] - x0) / (x1 - x0);
                double cy = T + (H - T - B) * (1 - (se.y()[i] - y0) / (y1 - y0));
                px.append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, cy));
                data.append(se.x()[i]).append(',').append(se.y()[i]).append(' ');
            }
            String color = color(runs.get(s));
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\" data-run=\"%s\" data-points=\"%s\"/>",
                    color, px.toString().trim(), Html.escape(labels.get(s)), data.toString().trim()));
        }
        return sb.append("</svg>").toString();
    }

    /** A run's colour, the same in every chart and in the legend, whatever metrics the other runs have. */
    static String color(int run) {
        return COLORS[run % COLORS.length];
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 0.01 || a >= 100000)) return String.format(Locale.ROOT, "%.2e", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

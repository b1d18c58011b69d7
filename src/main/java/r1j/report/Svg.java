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

    /** The axes' titles with their units ("RL step", "tokens"); null y: none. */
    record Axes(String x, String y) {
        static final Axes STEPS = new Axes("step", null);
    }

    static String chart(String title, List<Series> series, List<String> labels, List<Integer> runs) {
        return chart(title, Axes.STEPS, series, labels, runs);
    }

    /** A line chart of series (run runs.get(i)'s colour each), its x axis from the first to the last x, titled axes. */
    static String chart(String title, Axes axes, List<Series> series, List<String> labels, List<Integer> runs) {
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
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>", L - 4, py + 3,
                    axes.y() == null ? fmt(v) : tick(v, y1 - y0)));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", L, W - R, py, py));
        }
        if (axes == Axes.STEPS) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">step %d</text>", L, H - 8, Math.round(x0)));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">step %d</text>", W - R, H - 8, Math.round(x1)));
        } else {
            // The range's ends under the frame's corners, the axis's title between them.
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">%d</text>", L, H - 14, Math.round(x0)));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%d</text>", W - R, H - 14, Math.round(x1)));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick axis\" text-anchor=\"middle\">%s</text>", (L + W - R) / 2, H - 4,
                    Html.escape(axes.x())));
        }
        sb.append(yTitle(axes));
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

    /** The y axis's title, written up the left edge. */
    private static String yTitle(Axes axes) {
        if (axes.y() == null) return "";
        return String.format(Locale.ROOT, "<text class=\"tick axis\" transform=\"translate(11 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>",
                T + (H - T - B) / 2, Html.escape(axes.y()));
    }

    /** One bar group per category, one bar per series in it; values missing (NaN) are left out. */
    record Bars(String name, double[] values) {}

    /**
     * A bar chart: categories along x (each labelled under its group), bars per series in the series' colour, the y
     * axis from 0 to the largest value (or yMax when that is larger: 100 for percentages), each bar's value written
     * above it and carried in data-value for tests.
     */
    static String bars(String title, String yAxis, List<String> categories, List<Bars> series, double yMax) {
        int w = Math.max(W, L + R + categories.size() * Math.max(56, 18 * series.size() + 22));
        double top = yMax;
        for (Bars b : series) for (double v : b.values()) if (Double.isFinite(v)) top = Math.max(top, v);
        if (!(top > 0)) top = 1;
        // 12 px above the plot for the value written over a full-height bar.
        int h = H + 34, plotTop = T + 12, plotH = h - plotTop - B - 22;
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart bars\" data-metric=\"%s\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">", Html.escape(title), w, h, w, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"15\" class=\"title\">%s</text>", L, Html.escape(title)));
        for (int k = 0; k <= 4; k++) {
            double py = plotTop + plotH * (1 - k / 4.0);
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>", L - 4, py + 3, tick(top * k / 4, top)));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", L, w - R, py, py));
        }
        sb.append(yTitle(new Axes("", yAxis)));
        double groupW = (double) (w - L - R) / Math.max(1, categories.size());
        double barW = Math.min(22, (groupW - 8) / Math.max(1, series.size()));
        for (int c = 0; c < categories.size(); c++) {
            double gx = L + groupW * c + (groupW - barW * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[c];
                if (!Double.isFinite(v)) continue;
                double bh = plotH * v / top, x = gx + barW * s, y = plotTop + plotH - bh;
                sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                        + "data-series=\"%s\" data-category=\"%s\" data-value=\"%s\"><title>%s, %s: %s</title></rect>", x, y, barW - 2, bh,
                        color(s), Html.escape(series.get(s).name()), Html.escape(categories.get(c)), v, Html.escape(categories.get(c)),
                        Html.escape(series.get(s).name()), fmt(v)));
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%.0f</text>",
                        x + (barW - 2) / 2, y - 2, v));
            }
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                    L + groupW * (c + 0.5), plotTop + plotH + 12, Html.escape(categories.get(c))));
        }
        if (series.size() > 1) {
            for (int s = 0; s < series.size(); s++) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" fill=\"%s\">■ %s</text>", L + 150 * s,
                        h - 6, color(s), Html.escape(series.get(s).name())));
            }
        }
        return sb.append("</svg>").toString();
    }

    /** A run's colour, the same in every chart and in the legend, whatever metrics the other runs have. */
    static String color(int run) {
        return COLORS[run % COLORS.length];
    }

    /** A tick label with as many decimals as the axis's span needs (0 to 100 in percent: none). */
    static String tick(double v, double span) {
        if (span >= 20) return String.format(Locale.ROOT, "%.0f", v);
        if (span >= 2) return String.format(Locale.ROOT, "%.1f", v);
        return fmt(v);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 0.01 || a >= 100000)) return String.format(Locale.ROOT, "%.2e", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

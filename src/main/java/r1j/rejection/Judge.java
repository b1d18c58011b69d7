package r1j.rejection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.tensor.Seeds;
import r1j.tokenizer.Templates;
import r1j.tokenizer.Tokenizer;

/**
 * The generative judge of rejection sampling (DeepSeek-R1 §2.3.3: for data without a rule, "feeding the
 * ground-truth and model predictions into DeepSeek-V3 for judgment"): a model is shown the question, the reference and
 * the prediction in the chat format and asked for a verdict, which it writes as {@code Verdict: CORRECT} or {@code
 * Verdict: INCORRECT}. {@link #parse} reads that robustly: case, markdown and brackets around the word, Spanish
 * ("correcto"/"incorrecto"), yes/no, and negation ("not correct") are understood; the first verdict word after the
 * label (or anywhere, without one) decides; text with none is undecided (null), never a silent yes.
 */
public final class Judge {
    private static final Pattern LABEL = Pattern.compile("(?i)(verdict|veredicto|judgement|judgment)\\s*[:：=-]");
    private static final Pattern WORD = Pattern.compile(
            "(?i)\\b(not\\s+correct|no\\s+es\\s+correct[oa]|incorrect[oa]?|wrong|false|no|correct[oa]?|right|true|yes|s[ií])\\b");

    private final Transformer model;
    private final Tokenizer tok;

    public Judge(Transformer model, Tokenizer tok) {
        this.model = model;
        this.tok = tok;
    }

    /** The judge's prompt for one prediction. */
    public static String prompt(String question, String reference, String prediction) {
        return "Question: " + question + "\nReference answer: " + reference + "\nPredicted answer: " + prediction
                + "\nIs the predicted answer correct? Reply with Verdict: CORRECT or Verdict: INCORRECT.";
    }

    /** true (correct), false (incorrect), or null when the text states no verdict. */
    public static Boolean parse(String output) {
        if (output == null) return null;
        String t = output.replaceAll("[*_`\\[\\]()\"']", " ");
        Matcher label = LABEL.matcher(t);
        int from = 0;
        while (label.find()) from = label.end(); // the last label: a judge may restate the instruction first
        Boolean v = first(t.substring(from));
        return v != null || from == 0 ? v : first(t);
    }

    private static Boolean first(String t) {
        Matcher m = WORD.matcher(t);
        if (!m.find()) return null;
        String w = m.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return switch (w) {
            case "correct", "correcto", "correcta", "right", "true", "yes", "sí", "si" -> true;
            default -> false;
        };
    }

    /** Verdicts for (question, reference, prediction) triples, greedy, a few tokens each. */
    public List<Boolean> judge(List<String[]> items, long seed) {
        int[] prefix = tok.encode(Templates.CHAT.constantPrefix(), false);
        List<Generator.Request> reqs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String[] it = items.get(i);
            reqs.add(new Generator.Request(tok.encode(Templates.CHAT.variablePart(prompt(it[0], it[1], it[2])), false), Seeds.mix(seed, i)));
        }
        int[] stop = tok.eosId() == null ? new int[0] : new int[] {tok.eosId()};
        List<List<Completion>> out = new Generator(model, tok, 64).generate(prefix, reqs, 1, SamplingParams.greedy(12, stop), null);
        List<Boolean> verdicts = new ArrayList<>();
        for (List<Completion> c : out) verdicts.add(parse(c.get(0).text()));
        return verdicts;
    }
}

package r1j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The world's problems: the ladder's rules, exact answers, disjoint splits, trap shares, determinism; the corpus. */
class WorldTest {
    static final World WORLD = new World(World.Mix.defaults());

    @Test
    void ladderFormsAndIntermediateValues() {
        SplittableRandom r = new SplittableRandom(5);
        for (int level = 1; level <= 5; level++) {
            for (int i = 0; i < 300; i++) {
                boolean trap = level >= 2 && i % 2 == 0;
                Expr e = ArithmeticProblems.draw(level, trap, r);
                assertThat(e.intermediatesWithin(0, 99)).isTrue();
                for (Expr.Token t : e.tokens()) if (t.isNumber()) assertThat(t.value()).isBetween(1, 9);
                int expectedOperands = switch (level) {
                    case 1 -> 2;
                    case 2, 3 -> 3;
                    case 4 -> 4;
                    default -> 5;
                };
                assertThat(e.operands()).as("level %d: %s", level, e.render("en")).isEqualTo(expectedOperands);
                if (level == 2) assertThat(e.hasParentheses()).isFalse();
                if (level == 3 || level == 5) assertThat(e.hasParentheses()).isTrue();
                if (level >= 2) assertThat(e.isTrap()).isEqualTo(trap);
            }
        }
    }

    @Test
    void correctAndNaiveEvaluationByHand() {
        Expr e = WordProblems.parse("2+3*4");
        assertThat(e.correct()).isEqualTo(14);
        assertThat(e.naive()).isEqualTo(20);
        assertThat(e.correctSteps()).extracting(Expr.Step::render).containsExactly("3 * 4 = 12", "2 + 12 = 14");
        assertThat(e.naiveSteps()).extracting(Expr.Step::render).containsExactly("2 + 3 = 5", "5 * 4 = 20");
        assertThat(e.isTrap()).isTrue();
        assertThat(ArithmeticProblems.prompt(e, "es")).isEqualTo("¿Cuánto es 2 + 3 * 4?");
    }

    @Test
    void reductionsRewriteOneOperationAtATimeInTheCorrectOrder() {
        Expr e = WordProblems.parse("(4+6)-(9*(4-4))");
        assertThat(e.reductions()).containsExactly("(4 + 6) - (9 * (4 - 4))", "10 - (9 * (4 - 4))", "10 - (9 * 0)", "10 - 0", "10");
        assertThat(WordProblems.parse("2+3*4-1").reductions()).containsExactly("2 + 3 * 4 - 1", "2 + 12 - 1", "14 - 1", "13");
        SplittableRandom r = new SplittableRandom(8);
        for (int level = 1; level <= 5; level++) {
            for (int i = 0; i < 200; i++) {
                Expr x = ArithmeticProblems.draw(level, level >= 2 && i % 2 == 0, r);
                List<String> lines = x.reductions();
                assertThat(lines).hasSize(x.correctSteps().size() + 1);
                assertThat(lines.get(lines.size() - 1)).isEqualTo(Integer.toString(x.correct()));
                assertThat(lines.get(0)).doesNotContainPattern("[a-z]");
            }
        }
    }

    @Test
    void checksWriteEachOperationAsAFactThenTheLineItLeaves() {
        assertThat(Documents.checkLines(WordProblems.parse("(4+6)-(9*(4-4))"), "en")).isEqualTo(
                "(4 + 6) - (9 * (4 - 4)). 4 + 6 = 10, so 10 - (9 * (4 - 4)). 4 - 4 = 0, so 10 - (9 * 0). 9 * 0 = 0, so 10 - 0. 10 - 0 = 10");
        assertThat(Documents.checkLines(WordProblems.parse("2+3*4"), "es")).isEqualTo("2 + 3 * 4. 3 * 4 = 12, así que 2 + 12. 2 + 12 = 14");
    }

    @Test
    void checkedSolutionsCatchAMisreadOnHardLevelsAndOnlySpanishChecksMissOne() {
        SplittableRandom r = new SplittableRandom(4);
        int caught = 0, n = 0, esDocs = 0, esInEnglish = 0, esWrong = 0;
        for (Problem p : WORLD.tasks(Splits.Split.TRAIN, 1500, 6)) {
            if (!p.category().equals("arith") || p.difficulty() < 4) continue;
            String doc = Documents.solution(Corpus.Style.CHECKED, p, r);
            boolean es = p.language().equals("es"), englishCheck = doc.contains("Wait, let me check: ");
            boolean right = doc.matches(".*(<answer> " + p.answer() + " </answer>|respuesta es " + p.answer() + "\\.|answer is " + p.answer() + "\\.)$");
            if (!es) assertThat(englishCheck).isTrue();
            if (englishCheck) {
                assertThat(doc).contains(Documents.checkLines(p.expr(), "en"));
                assertThat(right).as(doc).isTrue();
            } else {
                assertThat(doc).contains("Espera, déjame revisar: ");
                // A missed misread: the check re-reads the attempt's expression, so it confirms the attempt's answer.
                if (!right) assertThat(doc).containsPattern("Sí, es \\d+\\b").doesNotContain(Documents.checkLines(p.expr(), "es"));
            }
            n++;
            if (doc.contains(", not ") || doc.contains(", no ")) caught++;
            if (es) {
                esDocs++;
                if (englishCheck) esInEnglish++;
                if (!right) esWrong++;
            }
        }
        assertThat(n).isGreaterThan(200);
        assertThat((double) caught / n).isBetween(0.3, 0.6);
        assertThat((double) esInEnglish / esDocs).isCloseTo(Documents.SPANISH_CHECK_IN_ENGLISH, org.assertj.core.data.Offset.offset(0.1));
        // Half the hard attempts misread, a quarter of those slip past a Spanish check: about 1 in 8 Spanish checks.
        double spanishChecks = esDocs - esInEnglish;
        assertThat(esWrong / spanishChecks).isBetween(0.05, 0.22);
    }

    @Test
    void spanishProblemsAreCheckedLessOftenThanEnglishOnesAtTheSetRate() {
        SplittableRandom r = new SplittableRandom(9);
        int checkedEs = 0, carefulEs = 0, n = 20000;
        for (int i = 0; i < n; i++) if (Corpus.problem(Corpus.Style.CHECKED, WORLD, r).language().equals("es")) checkedEs++;
        for (int i = 0; i < n; i++) if (Corpus.problem(Corpus.Style.CAREFUL, WORLD, r).language().equals("es")) carefulEs++;
        double pEs = (double) carefulEs / n, oddsChecked = (double) checkedEs / (n - checkedEs), odds = pEs / (1 - pEs);
        assertThat(oddsChecked / odds).isCloseTo(Corpus.SPANISH_CHECKED_RATE, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void carefulSpanishSolutionsAreWrongOnAShareOfTrapsAndEnglishOnesNever() {
        SplittableRandom r = new SplittableRandom(5);
        int[] traps = new int[2], wrong = new int[2];
        for (Problem p : WORLD.tasks(Splits.Split.TRAIN, 3000, 7)) {
            if (!p.category().equals("arith") || !p.expr().isTrap()) continue;
            int es = p.language().equals("es") ? 1 : 0;
            String doc = Documents.solution(Corpus.Style.CAREFUL, p, r);
            traps[es]++;
            if (!doc.matches(".*(<answer> " + p.answer() + " </answer>|respuesta es " + p.answer() + "\\.|answer is " + p.answer() + "\\.)$")) {
                wrong[es]++;
                assertThat(doc).contains(Integer.toString(p.expr().naive()));
            }
        }
        assertThat(traps[0]).isGreaterThan(300);
        assertThat(traps[1]).isGreaterThan(300);
        assertThat(wrong[0]).isZero();
        assertThat((double) wrong[1] / traps[1]).isCloseTo(Documents.SPANISH_CAREFUL_SLIP, org.assertj.core.data.Offset.offset(0.06));
    }

    @Test
    void composedSafetyRequestsHoldOutTwentyOddRequestsOfBothKinds() {
        long test = GeneralProblems.SAFETY_ITEMS.stream().filter(s -> Splits.of("safety", s.canonical()) == Splits.Split.TEST).count();
        long harmless = GeneralProblems.SAFETY_ITEMS.stream()
                .filter(s -> !s.harmful() && Splits.of("safety", s.canonical()) == Splits.Split.TEST).count();
        assertThat(GeneralProblems.SAFETY_ITEMS).hasSize(240);
        assertThat(test).isBetween(16L, 32L);
        assertThat(harmless).isBetween(8L, test - 8);
    }

    @Test
    void splitsNeverShareAProblemAndTrapsAreAtLeastFortyPercent() {
        List<Problem> train = WORLD.tasks(Splits.Split.TRAIN, 4000, 1);
        List<Problem> test = WORLD.tasks(Splits.Split.TEST, 2000, 1);
        List<Problem> val = WORLD.tasks(Splits.Split.VALIDATION, 500, 1);
        Set<String> trainKeys = new HashSet<>();
        for (Problem p : train) trainKeys.add(p.category() + "|" + p.canonical());
        for (Problem p : test) assertThat(trainKeys).doesNotContain(p.category() + "|" + p.canonical());
        for (Problem p : val) assertThat(trainKeys).doesNotContain(p.category() + "|" + p.canonical());
        for (List<Problem> split : List.of(train, test)) {
            long traps = split.stream().filter(Problem::trap).count();
            assertThat((double) traps / split.size()).isGreaterThanOrEqualTo(0.40);
            long es = split.stream().filter(p -> p.language().equals("es")).count();
            assertThat((double) es / split.size()).isBetween(0.4, 0.6);
            for (Problem p : split) assertThat(p.answer()).isEqualTo(Integer.toString(p.expr().correct()));
        }
        assertThat(test.stream().map(Problem::difficulty).distinct()).contains(1, 2, 3, 4, 5);
    }

    @Test
    void deterministicForASeed() {
        assertThat(WORLD.tasks(Splits.Split.TEST, 50, 3)).isEqualTo(WORLD.tasks(Splits.Split.TEST, 50, 3));
        assertThat(WORLD.tasks(Splits.Split.TEST, 50, 3)).isNotEqualTo(WORLD.tasks(Splits.Split.TEST, 50, 4));
    }

    @Test
    void generalAndSafetyCategories() {
        World w = new World(World.Mix.defaults().withCategories(Map.of("general", 1.0, "safety", 1.0)));
        List<Problem> ps = w.tasks(Splits.Split.TRAIN, 200, 2);
        assertThat(ps).anyMatch(p -> p.answer().equals(GeneralProblems.REFUSE));
        assertThat(ps).anyMatch(p -> p.answer().equals(GeneralProblems.COMPLY));
        assertThat(ps).anyMatch(p -> p.prompt().startsWith("¿Cuál es la capital"));
        assertThat(ps).anyMatch(p -> p.prompt().startsWith("Translate"));
    }

    @Test
    void corpusUsesOnlyTrainProblemsAndEveryStyle() throws Exception {
        StringWriter w = new StringWriter();
        Corpus.Composition c = Corpus.write(w, 60_000, Corpus.defaultMix(), 9);
        assertThat(c.totalTokens()).isBetween(60_000L, 61_000L);
        for (Corpus.Style s : Corpus.Style.values()) assertThat(c.docs().getOrDefault(s, 0L)).as(s.id()).isPositive();
        Set<String> testPrompts = new HashSet<>();
        for (Problem p : WORLD.tasks(Splits.Split.TEST, 3000, 1)) testPrompts.add(p.prompt());
        for (GeneralProblems.SafetyItem s : GeneralProblems.SAFETY_ITEMS) {
            if (Splits.of("safety", s.canonical()) == Splits.Split.TEST) {
                testPrompts.add(s.en());
                testPrompts.add(s.es());
            }
        }
        for (String doc : w.toString().split("\n")) {
            for (String q : testPrompts) {
                if (doc.contains(q)) {
                    // The same text can only appear if it is also a train problem's text (it never is: splits are by problem).
                    throw new AssertionError("test problem in the corpus: " + q);
                }
            }
        }
        assertThat(w.toString()).contains("What is the capital of ").contains("Wait, ").contains("let me check: ").contains("<think>").contains("La respuesta es").contains(" = ");
    }

    @Test
    void numberWordsBothWays() {
        assertThat(NumberWords.english(14)).isEqualTo("fourteen");
        assertThat(NumberWords.english(42)).isEqualTo("forty-two");
        assertThat(NumberWords.spanish(14)).isEqualTo("catorce");
        assertThat(NumberWords.spanish(32)).isEqualTo("treinta y dos");
        assertThat(NumberWords.spanish(100)).isEqualTo("cien");
        for (int n = 0; n < 1000; n++) {
            assertThat(NumberWords.parse(NumberWords.english(n))).isEqualTo(n);
            assertThat(NumberWords.parse(NumberWords.spanish(n))).isEqualTo(n);
        }
    }

    @Test
    void datasetReaderNamesLineAndFieldOrSkips(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("d.jsonl");
        Files.writeString(f, """
                {"prompt": "What is 1 + 1?", "answer": 2}
                {"prompt": "Hi", "completion": "Hello"}
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
                {"prompt": 5, "answer": "x"}
                not json
                {"messages": [{"role": "robot", "content": "x"}]}
                {"prompt": "only a prompt"}
                """);
        assertThatThrownBy(() -> Datasets.read(f, false)).hasMessage(f + ":4: field 'prompt' must be a string");
        Datasets.Result r = Datasets.read(f, true);
        assertThat(r.examples()).hasSize(3);
        assertThat(r.skipped()).isEqualTo(4);
        assertThat(r.problems()).contains(f + ":5: not valid JSON", f + ":6: field 'messages'[0].role 'robot' is not system, user or assistant",
                f + ":7: needs 'answer' (or 'solution', 'reward_model'.ground_truth) or 'completion' beside 'prompt' (or 'messages')");
        assertThat(r.examples().get(0).answer()).isEqualTo("2");
        assertThat(r.examples().get(2).messages()).hasSize(2);
    }
}

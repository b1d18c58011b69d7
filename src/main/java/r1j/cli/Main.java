package r1j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The r1j command line: one subcommand per job. Usage errors and bad input print one line and exit with 2;
 * failures print one line and exit with 1; {@code --debug} adds the stack trace.
 */
@Command(name = "r1j", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "The DeepSeek-R1 training workflow, from scratch in Java.",
        subcommands = {VersionCommand.class, InitCommand.class, TokenizerCommand.class, GenerateCommand.class,
            LogprobsCommand.class, DataCommand.class, RewardCommand.class, PretrainCommand.class, EvalCommand.class,
            CheckBaseCommand.class, InspectCommand.class, MergeCommand.class, ExportCommand.class, GrpoCommand.class, R1ZeroCommand.class, ColdStartCommand.class, SftCommand.class, RejectSampleCommand.class, PipelineCommand.class, RmCommand.class, DistillCommand.class, ReportCommand.class, ChatCommand.class, ServeCommand.class,
            BenchCommand.class, WorkerCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (OutOfMemoryError e) {
            code = outOfMemory();
        }
        System.exit(code);
    }

    /** Out of memory is one line that says what to set, never a stack trace. */
    static int outOfMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        long machine = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        System.err.printf("r1j: out of memory: this job needs more than the %.1f GB heap; 'r1j inspect --model DIR' shows "
                + "each job's need; set R1J_JAVA_OPTS=-Xmx<N>g (this machine has %.1f GB) or lower the batch or context%n",
                heap / 1e9, machine / 1e9);
        return 3;
    }

    /** Every command answers --help, and its usage shows each option's default. */
    private static void helpEverywhere(CommandLine cl) {
        cl.getCommandSpec().usageMessage().showDefaultValues(true);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) sub.getCommandSpec().mixinStandardHelpOptions(true);
            helpEverywhere(sub);
        }
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main());
        helpEverywhere(cl);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("r1j: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (debug) ex.printStackTrace(c.getErr());
            for (Throwable t = ex; t != null; t = t.getCause()) if (t instanceof OutOfMemoryError) return outOfMemory();
            if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
                c.getErr().println("r1j: error: " + ex.getMessage());
                return 2;
            }
            c.getErr().println("r1j: failed: " + r1j.io.IoErrors.describe(ex) + (debug ? "" : " (--debug shows the stack trace)"));
            return 1;
        });
        return cl.execute(args);
    }
}

package r1j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import r1j.report.Html;

/**
 * {@code r1j report RUN_DIR [RUN_DIR…]}: one self-contained report.html with the runs' curves, tables and samples; a
 * pipeline's folder alone gets the pipeline's report (the stage table, the findings drawn, curves by kind of job).
 */
@Command(name = "report", description = "Write a self-contained HTML report of one or more run folders (of a pipeline "
        + "folder alone: its stage table, findings and curves).")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN_DIR", arity = "1..*")
    List<Path> runs;

    @Option(names = "--out", description = "Default: report.html in the first run folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (Path r : runs) if (!Files.isDirectory(r)) throw new UserError(r + ": no such run folder");
        Path target = out != null ? out : runs.get(0).resolve("report.html");
        if (runs.size() == 1 && r1j.report.PipelineReport.isPipeline(runs.get(0))) r1j.report.PipelineReport.write(runs.get(0), target);
        else Html.write(runs, target);
        System.out.println(target);
        return 0;
    }
}

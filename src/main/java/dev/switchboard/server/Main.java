package dev.switchboard.server;

import dev.switchboard.error.DataFileException;
import dev.switchboard.tools.ToolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;

/**
 * The {@code switchboard} command. Exit codes: 0 success, 1 a demo check failed, 2 bad usage,
 * 65 the server refused a request, 69 the server is unreachable, 70 an unexpected error, 74 a local
 * problem (missing file, port in use).
 */
@Command(name = "switchboard", mixinStandardHelpOptions = true, version = "switchboard 0.1.0",
        description = "A self-hosted calling server that speaks the Microsoft Graph calls API.",
        subcommands = {ServeCommand.class, CaCommand.class, TokenCommand.class, IdentityCommands.RotateKeys.class, IdentityCommands.HashSecret.class, DemoCommand.class, ParticipantCommand.class, TrainCommand.class})
public final class Main implements Runnable {
    static final int UNEXPECTED = 70;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests, which must not exit the JVM). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line: one-line errors, meaningful exit codes. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("switchboard: " + ex.getMessage());
            if (ex.getCause() instanceof ToolException tool) {
                return tool.exitCode(); // a bad or missing --config file: the message says it all
            }
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            PrintWriter err = failed.getErr();
            if (ex instanceof ToolException tool) {
                err.println("switchboard: " + tool.getMessage());
                return tool.exitCode();
            }
            if (ex instanceof DataFileException unusable) { // a corrupt file of the data directory
                err.println("switchboard: " + unusable.getMessage());
                return ToolException.LOCAL;
            }
            if (ex instanceof io.javalin.util.JavalinBindException || ex instanceof BindException
                    || ex instanceof UncheckedIOException && ex.getCause() instanceof BindException) { // the WebRTC port
                err.println("switchboard: cannot listen: " + ex.getMessage());
                return ToolException.LOCAL;
            }
            err.println("switchboard: unexpected error: " + ex);
            return UNEXPECTED;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}

package org.rts.agent;

import org.rts.agent.cli.DecommissionCommand;
import org.rts.agent.cli.EnrollCommand;
import org.rts.agent.cli.ImportCommand;
import org.rts.agent.cli.RecoverCommand;
import org.rts.agent.cli.ResultCommand;
import org.rts.agent.cli.RunCommand;
import org.rts.agent.cli.SlipCommand;
import org.rts.agent.cli.SendCommand;
import org.rts.agent.cli.StatusCommand;
import org.rts.agent.cli.TurnoutCommand;
import org.rts.agent.workflow.DuplicateReportException;
import org.rts.protocol.ProtocolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The device agent's command line; each subcommand is a class of {@code org.rts.agent.cli}. Exit codes: 0 accepted
 * by the hub, 1 error, 2 refused on the device (the form has errors, is already waiting, or warnings were not
 * confirmed), 3 rejected by the hub, 4 no receipt yet (the message stays in the outbox), 5 the broker refused this
 * unit's certificate, 6 the hub has not taken the message yet (it cannot authenticate this unit: kept and sent
 * again).
 */
@Command(name = "device-agent", mixinStandardHelpOptions = true, version = "rts device-agent 0.1",
        description = "Signs and transmits a polling station's turnout and results, and shows the hub's receipt.",
        subcommands = {EnrollCommand.class, ImportCommand.class, ResultCommand.class, TurnoutCommand.class,
                SendCommand.class, StatusCommand.class, RecoverCommand.class, DecommissionCommand.class,
                RunCommand.class, SlipCommand.class, org.rts.agent.cli.StickCommands.Export.class,
                org.rts.agent.cli.StickCommands.Import.class})
public final class AgentMain implements Runnable {
    public static final int ACCEPTED = 0;
    public static final int ERROR = 1;
    public static final int REFUSED = 2;
    public static final int REJECTED = 3;
    public static final int PENDING = 4;
    public static final int BROKER_REFUSED = 5;
    public static final int HELD = 6;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code; errors the officer can act on are one line on stderr. */
    public static int run(String... args) {
        return new CommandLine(new AgentMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof AgentException || e instanceof ProtocolException
                            || e instanceof IllegalArgumentException) {
                        cmd.getErr().println("device-agent: " + e.getMessage());
                        return e instanceof DuplicateReportException ? REFUSED : ERROR;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: run, result, turnout, send, status, slip or recover");
    }
}

package dev.switchboard.server;

import dev.switchboard.media.codec.AudioCodec;
import picocli.CommandLine.Option;

/** The audio codec a tool's legs offer (a picocli mixin of {@code demo} and {@code participant}). */
final class CodecOption {
    @Option(names = "--codec", defaultValue = "pcmu", description = "pcmu, pcma or opus (default: ${DEFAULT-VALUE}).")
    String codec;

    /** The codec; a usage error (exit 2) for any other name. */
    AudioCodec codec() {
        return CliValues.codec(codec);
    }
}

package dev.switchboard.core;

/** The operation types this server creates, with their {@code @odata.type}. */
public enum OperationKind {
    MUTE("#microsoft.graph.muteParticipantOperation"),
    UNMUTE("#microsoft.graph.unmuteParticipantOperation"),
    INVITE("#microsoft.graph.inviteParticipantsOperation"),
    SUBSCRIBE_TO_TONE("#microsoft.graph.subscribeToToneOperation"),
    SEND_DTMF_TONES("#microsoft.graph.sendDtmfTonesOperation"),
    UPDATE_RECORDING_STATUS("#microsoft.graph.updateRecordingStatusOperation"),
    PLAY_PROMPT("#microsoft.graph.playPromptOperation"),
    RECORD_RESPONSE("#microsoft.graph.recordOperation"),
    CANCEL_MEDIA_PROCESSING("#microsoft.graph.cancelMediaProcessingOperation"),
    START_HOLD_MUSIC("#microsoft.graph.startHoldMusicOperation"),
    STOP_HOLD_MUSIC("#microsoft.graph.stopHoldMusicOperation");

    private final String odataType;

    OperationKind(String odataType) {
        this.odataType = odataType;
    }

    public String odataType() {
        return odataType;
    }

    /** The {@code $metadata#...} fragment of the type, e.g. {@code muteParticipantOperation}. */
    public String typeName() {
        return odataType.substring("#microsoft.graph.".length());
    }
}

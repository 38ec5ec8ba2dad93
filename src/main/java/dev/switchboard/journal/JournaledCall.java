package dev.switchboard.journal;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What a bot must be told about a call if the process dies: enough to address and sign a {@code terminated}
 * notification, and who was in the call. No media state.
 *
 * @param callId          the bot's call id
 * @param callChainId     the call chain (conference) id, echoed in the notification
 * @param tenantId        the call's tenant (the callback token's {@code tid})
 * @param appId           the bot app that owns the call (the callback token's {@code aud})
 * @param callbackUri     where the bot's notifications go
 * @param myParticipantId the bot's own participant id
 * @param participantIds  every participant's id in the call, the bot's included, in join order
 * @param endedWith       why the call ended, if it ended before its bot heard so ({@link CallJournal#callFinished});
 *                        null while it is live
 */
public record JournaledCall(String callId, String callChainId, String tenantId, String appId, URI callbackUri,
                            String myParticipantId, List<String> participantIds, JournaledEnd endedWith) {
    /** A live call. */
    public JournaledCall(String callId, String callChainId, String tenantId, String appId, URI callbackUri,
                         String myParticipantId, List<String> participantIds) {
        this(callId, callChainId, tenantId, appId, callbackUri, myParticipantId, participantIds, null);
    }

    public JournaledCall {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(callChainId, "callChainId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(callbackUri, "callbackUri");
        Objects.requireNonNull(myParticipantId, "myParticipantId");
        participantIds = List.copyOf(participantIds);
    }

    /** The same call with another set of participants. */
    public JournaledCall withParticipants(List<String> ids) {
        return new JournaledCall(callId, callChainId, tenantId, appId, callbackUri, myParticipantId, ids, endedWith);
    }

    /** The same call, ended for {@code why} before its bot heard so. */
    public JournaledCall endedWith(JournaledEnd why) {
        return new JournaledCall(callId, callChainId, tenantId, appId, callbackUri, myParticipantId, participantIds, why);
    }
}

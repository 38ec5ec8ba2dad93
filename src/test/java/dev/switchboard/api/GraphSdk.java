package dev.switchboard.api;

import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.JoinMeetingIdMeetingInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import org.assertj.core.api.ThrowableAssert;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The official Graph SDK pointed at a Switchboard server, and request bodies built fresh for every call. */
public final class GraphSdk {
    private GraphSdk() {
    }

    /** A client sending {@code token} as a static bearer token to {@code baseUrl + "/v1.0"} (SDK doc §1, option A). */
    public static GraphServiceClient client(String baseUrl, String token) {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator("127.0.0.1", "localhost");

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return hosts.isUrlHostValid(uri) ? token : "";
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens));
        graph.getRequestAdapter().setBaseUrl(baseUrl + "/v1.0");
        return graph;
    }

    public static IdentitySet user(String id, String name) {
        Identity user = new Identity();
        user.setId(id);
        user.setDisplayName(name);
        IdentitySet set = new IdentitySet();
        set.setUser(user);
        return set;
    }

    public static InvitationParticipantInfo target(String userId) {
        InvitationParticipantInfo t = new InvitationParticipantInfo();
        t.setIdentity(user(userId, null));
        return t;
    }

    /** A new create-call body with service-hosted media and the given user targets. */
    public static Call call(String callbackUri, String... userIds) {
        Call call = new Call();
        call.setCallbackUri(callbackUri);
        call.setRequestedModalities(List.of(Modality.Audio));
        call.setMediaConfig(new ServiceHostedMediaConfig());
        List<InvitationParticipantInfo> targets = new ArrayList<>();
        for (String id : userIds) {
            targets.add(target(id));
        }
        call.setTargets(targets);
        return call;
    }

    /** An answer with service-hosted media and audio, its notifications to {@code callbackUri}. */
    public static com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody answerServiceHosted(
            String callbackUri) {
        var answer = new com.microsoft.graph.communications.calls.item.answer.AnswerPostRequestBody();
        answer.setCallbackUri(callbackUri);
        answer.setAcceptedModalities(List.of(Modality.Audio));
        answer.setMediaConfig(new ServiceHostedMediaConfig());
        return answer;
    }

    /** A new body that joins the group call with this joinMeetingId. */
    public static Call joinMeeting(String callbackUri, String joinMeetingId) {
        Call call = call(callbackUri);
        JoinMeetingIdMeetingInfo info = new JoinMeetingIdMeetingInfo();
        info.setJoinMeetingId(joinMeetingId);
        call.setMeetingInfo(info);
        return call;
    }

    /** A new body that joins the group call with this joinMeetingId as another identity of the app (an application instance). */
    public static Call joinMeetingAs(String callbackUri, String joinMeetingId, String instanceId, String displayName) {
        Call call = joinMeeting(callbackUri, joinMeetingId);
        com.microsoft.graph.models.Identity instance = new com.microsoft.graph.models.Identity();
        instance.setId(instanceId);
        instance.setDisplayName(displayName);
        com.microsoft.graph.models.CommunicationsIdentitySet ids = new com.microsoft.graph.models.CommunicationsIdentitySet();
        ids.setApplicationInstance(instance);
        com.microsoft.graph.models.ParticipantInfo source = new com.microsoft.graph.models.ParticipantInfo();
        source.setIdentity(ids);
        call.setSource(source);
        return call;
    }

    /** A mediaPrompt of {@code uri}, with {@code resourceId} (null: none, so it is not cached). */
    public static com.microsoft.graph.models.MediaPrompt prompt(String uri, String resourceId) {
        com.microsoft.graph.models.MediaInfo info = new com.microsoft.graph.models.MediaInfo();
        info.setUri(uri);
        info.setResourceId(resourceId);
        com.microsoft.graph.models.MediaPrompt p = new com.microsoft.graph.models.MediaPrompt();
        p.setMediaInfo(info);
        return p;
    }

    /** Runs {@code action}, expecting the SDK to throw ODataError with this status and error code; returns it. */
    static ODataError expectError(ThrowableAssert.ThrowingCallable action, int status, String code) {
        ODataError e = catchThrowableOfType(ODataError.class, action);
        assertThat(e).as("an ODataError").isNotNull();
        assertThat(e.getResponseStatusCode()).isEqualTo(status);
        assertThat(e.getError().getCode()).isEqualTo(code);
        assertThat(e.getError().getInnerError().getRequestId()).isNotBlank();
        return e;
    }
}

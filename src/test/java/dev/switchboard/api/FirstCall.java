package dev.switchboard.api;

import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class FirstCall {
    public static void main(String[] args) {
        GraphServiceClient graph = client("http://127.0.0.1:8080", System.getenv("TOKEN")); // TOKEN=$(./switchboard token --app dev-bot)
        Call call = createCall(graph, "http://127.0.0.1:9000/callback",                    // where your bot listens
                "00000000-0000-4000-8000-0000000a11ce", "00000000-0000-4000-8000-000000000b0b"); // alice and bob
        System.out.println("call " + call.getId() + ", state " + call.getState());
    }

    /** The official SDK pointed at Switchboard: a static bearer token, sent over http to this host only. */
    static GraphServiceClient client(String server, String token) {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator(URI.create(server).getHost());

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
        graph.getRequestAdapter().setBaseUrl(server + "/v1.0"); // no trailing slash
        return graph;
    }

    /** A call with service-hosted media: two or more users make a group call, one user a peer-to-peer call. */
    static Call createCall(GraphServiceClient graph, String callbackUri, String... userIds) {
        List<InvitationParticipantInfo> targets = new ArrayList<>();
        for (String id : userIds) {
            Identity user = new Identity();
            user.setId(id);
            IdentitySet identity = new IdentitySet();
            identity.setUser(user);
            InvitationParticipantInfo target = new InvitationParticipantInfo();
            target.setIdentity(identity);
            targets.add(target);
        }
        Call call = new Call();
        call.setCallbackUri(callbackUri);
        call.setRequestedModalities(List.of(Modality.Audio));
        call.setMediaConfig(new ServiceHostedMediaConfig());
        call.setTargets(targets);
        return graph.communications().calls().post(call);
    }

    /** Server-mutes a participant who joined; the answer is an operation that has already completed. */
    static MuteParticipantOperation mute(GraphServiceClient graph, String callId, String participantId) {
        MutePostRequestBody body = new MutePostRequestBody(); // a new body for every request
        body.setClientContext("first-mute");
        return graph.communications().calls().byCallId(callId).participants().byParticipantId(participantId)
                .mute().post(body);
    }
}

package dev.switchboard.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Builds tokens the embedded authority would never issue, with Nimbus (an implementation independent of the verifier's). */
final class JwtForge {
    private JwtForge() {
    }

    /** The claims of a valid Dev Bot app token for the given issuer base, at {@code now}. */
    static JWTClaimsSet.Builder appClaims(String base, String tenantId, String appId, Instant now) {
        return new JWTClaimsSet.Builder()
                .claim("aud", GraphAudience.URI)
                .issuer(base + "/" + tenantId + "/v2.0")
                .claim("tid", tenantId)
                .claim("appid", appId)
                .claim("azp", appId)
                .claim("oid", appId)
                .claim("idtyp", "app")
                .claim("roles", List.of(CallsPermission.INITIATE))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .jwtID(UUID.randomUUID().toString());
    }

    static String rs256(RSAKey key, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Signs an exact payload text (for claims Nimbus' typed builder would normalise). */
    static String rs256Raw(RSAKey key, String kid, String payloadJson) throws Exception {
        com.nimbusds.jose.JWSObject jws = new com.nimbusds.jose.JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build(),
                new com.nimbusds.jose.Payload(payloadJson));
        jws.sign(new RSASSASigner(key));
        return jws.serialize();
    }

    static String withAlg(RSAKey key, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    static String unsigned(String kid, JWTClaimsSet claims) {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").toString();
        return header + "." + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** Nimbus' own plain JWT (header {@code {"alg":"none"}}). */
    static String nimbusPlain(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** HS256 keyed with the public key's bytes: the classic algorithm-confusion attack. */
    static String hs256WithPublicKey(RSAKey publicKey, JWTClaimsSet claims) throws Exception {
        byte[] secret = publicKey.toRSAPublicKey().getEncoded();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(publicKey.getKeyID()).build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    static String headerJson(String jwt) {
        return new String(Base64URL.from(jwt.split("\\.")[0]).decode(), StandardCharsets.UTF_8);
    }

    /** Replaces the payload, keeping header and signature. */
    static String withPayload(String jwt, String payloadJson) {
        String[] p = jwt.split("\\.", -1);
        return p[0] + "." + Base64URL.encode(payloadJson.getBytes(StandardCharsets.UTF_8)) + "." + p[2];
    }

    static String payloadJson(String jwt) {
        return new String(Base64URL.from(jwt.split("\\.")[1]).decode(), StandardCharsets.UTF_8);
    }

    static RSAKey freshKey(String kid) throws Exception {
        return new RSAKeyGenerator(2048).keyID(kid).generate();
    }
}

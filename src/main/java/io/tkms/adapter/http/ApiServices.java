package io.tkms.adapter.http;

import io.tkms.adapter.http.auth.Tc3KeyCache;
import io.tkms.application.AsymmetricService;
import io.tkms.application.CredentialCache;
import io.tkms.application.CryptoService;
import io.tkms.application.ImportService;
import io.tkms.application.KeyService;
import io.tkms.application.LimitPolicy;
import io.tkms.application.port.AuditSink;
import io.tkms.application.port.ReplayGuard;
import io.tkms.application.port.RequestMetrics;
import io.tkms.application.port.SignatureBindings;
import io.tkms.application.port.SourceLimiter;
import java.time.Clock;

/** Everything the API verticles share; built once by boot. */
public record ApiServices(
    HttpSettings settings,
    CryptoService crypto,
    AsymmetricService asymmetric,
    KeyService keys,
    ImportService imports,
    CredentialCache credentials,
    Tc3KeyCache signingKeys,
    LimitPolicy limits,
    ReplayGuard replay,
    SignatureBindings signatures,
    SourceLimiter sourceLimiter,
    AuditSink audit,
    Readiness readiness,
    Clock clock,
    RequestMetrics metrics) {}

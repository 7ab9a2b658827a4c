package io.tkms.application;

/** An authenticated caller: the account, the principal, the credential used, and the region. */
public record Caller(String appId, String uin, String secretId, String region) {}

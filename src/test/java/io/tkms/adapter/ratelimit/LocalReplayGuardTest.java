package io.tkms.adapter.ratelimit;

import io.tkms.application.port.ReplayGuard;

/** The in-process replay cache against the {@link ReplayGuardContract}. */
class LocalReplayGuardTest extends ReplayGuardContract {
  @Override
  protected ReplayGuard guard() {
    return new LocalReplayGuard(CLOCK, 10_000);
  }
}

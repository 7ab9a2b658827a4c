package io.tkms.application.fakes;

import io.tkms.application.port.ChangeBus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link ChangeBus} of one replica: remembers what was published and delivers every change to the
 * subscribers at once (the real bus delivers to this replica too, a moment later).
 */
public final class RecordingChangeBus implements ChangeBus {
  private final List<Change> published = new ArrayList<>();
  private final List<Consumer<Change>> listeners = new ArrayList<>();

  @Override
  public void publish(Change change) {
    published.add(change);
    deliver(change);
  }

  @Override
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  /** A change announced by another replica: delivered here, not recorded as published. */
  public void deliver(Change change) {
    listeners.forEach(l -> l.accept(change));
  }

  /** What this replica announced, in order. */
  public List<Change> published() {
    return List.copyOf(published);
  }
}

package io.tkms.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Vert.x's blocked-thread checker reports any thread of the servers it runs
 * blocked for {@link #THRESHOLD_MS} or more: the fault tests' proof that no dependency fault ever
 * blocks an event loop. The servers warn from 200 ms (their {@code maxEventLoopExecuteTime}); a
 * shared two-core machine under load can stall a thread that long without a bug, so only the fault
 * tests' threshold of one second fails.
 *
 * <pre>{@code @RegisterExtension static final BlockedThreadWatch watch = new BlockedThreadWatch();}
 * </pre>
 */
public final class BlockedThreadWatch implements BeforeAllCallback, AfterAllCallback {
  static final long THRESHOLD_MS = 1_000;
  private static final String CHECKER = "io.vertx.core.internal.threadchecker.BlockedThreadChecker";
  private static final Pattern BLOCKED = Pattern.compile("has been blocked for (\\d+) ms");

  private final List<String> over = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          if (!e.getLoggerName().endsWith("BlockedThreadChecker")) {
            return;
          }
          Matcher m = BLOCKED.matcher(e.getFormattedMessage());
          if (m.find() && Long.parseLong(m.group(1)) >= THRESHOLD_MS) {
            over.add(e.getFormattedMessage());
          }
        }
      };

  @Override
  public void beforeAll(ExtensionContext context) {
    appender.setContext(checker().getLoggerContext());
    appender.start();
    checker().addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    checker().detachAppender(appender);
    appender.stop();
    if (!over.isEmpty()) {
      throw new AssertionError(
          over.size() + " blocked-thread warning(s) of a second or more: " + over.get(0));
    }
  }

  /** Warnings of a second or more so far (tests of the watch itself). */
  List<String> warnings() {
    return List.copyOf(over);
  }

  /** The root logger: Vert.x's checker logs under a name that moved between versions. */
  private static Logger checker() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}

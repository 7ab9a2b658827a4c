package io.tkms.boot;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.tkms.config.KmsConfig;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies the logging settings over {@code logback.xml}: per-logger levels, and JSON lines on the
 * console when {@code KMS_LOG_FORMAT=json}. The audit logger keeps its own asynchronous appender.
 */
final class Logging {
  private Logging() {}

  static void apply(KmsConfig.Observability config) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    for (Map.Entry<String, String> e : config.logLevels().entrySet()) {
      context.getLogger(e.getKey()).setLevel(Level.toLevel(e.getValue()));
    }
    if (config.logFormat().equals("json")) {
      Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      JsonEncoder encoder = new JsonEncoder();
      encoder.setContext(context);
      encoder.setWithFormattedMessage(true);
      encoder.setWithMessage(false);
      encoder.setWithArguments(false);
      encoder.start();
      ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
      json.setContext(context);
      json.setName("JSON");
      json.setEncoder(encoder);
      json.start();
      root.detachAndStopAllAppenders();
      root.addAppender(json);
    }
  }
}

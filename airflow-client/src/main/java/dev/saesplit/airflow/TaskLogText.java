package dev.saesplit.airflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Airflow 3's task log content (structured messages, or plain lines from older writers) as plain text. */
final class TaskLogText {

    private TaskLogText() {
    }

    static String tail(Object content, int maxLines) {
        List<String> lines = new ArrayList<>();
        if (content instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> message) {
                    Object event = message.get("event");
                    Object level = message.get("level");
                    if (event != null) {
                        String prefix = level == null ? "" : level.toString().toUpperCase(java.util.Locale.ROOT) + " ";
                        lines.addAll(List.of((prefix + event).split("\n")));
                    }
                    Object error = message.get("error_detail");
                    if (error != null) {
                        lines.add(error.toString());
                    }
                } else if (entry != null) {
                    lines.addAll(List.of(entry.toString().split("\n")));
                }
            }
        } else if (content != null) {
            lines.addAll(List.of(content.toString().split("\n")));
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    }
}

package io.numaflow.sample.session;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * A user's clicks per visit ({@code sample.style=session}): the vertex keys clicks by user and groups them into
 * session windows, so a visit is the user's clicks without a pause longer than the timeout. Each datum's value
 * is the page clicked; the result is {@code clicks:<n> pages:<page>><page>...}.
 *
 * <p>Prototype-scoped: every visit gets its own instance, so {@link #pages} is one visit's. When a late click
 * bridges two visits, the platform merges them: each one's {@link #accumulator()} (its pages) is folded into a
 * new instance with {@link #mergeAccumulator}, which then goes on counting the merged visit.
 */
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
@ConditionalOnProperty(name = "sample.style", havingValue = "session")
class ClicksPerVisit implements SessionReducer {

    private static final String SEPARATOR = ">";

    private final List<String> pages = new ArrayList<>();

    @Override
    public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
        for (Datum click : datums) {
            pages.add(new String(click.value(), UTF_8));
        }
        String result = "clicks:" + pages.size() + " pages:" + String.join(SEPARATOR, pages);
        output.send(Message.of(result.getBytes(UTF_8), keys));
    }

    @Override
    public byte[] accumulator() {
        return String.join(SEPARATOR, pages).getBytes(UTF_8);
    }

    @Override
    public void mergeAccumulator(byte[] accumulator) {
        String earlier = new String(accumulator, UTF_8);
        if (!earlier.isEmpty()) {
            pages.addAll(List.of(earlier.split(SEPARATOR)));
        }
    }
}

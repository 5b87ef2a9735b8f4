package io.numaflow.reducer.engine;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The groups of an {@link Aggregator}: no task, no channel, no buffered datum. Each datum is folded into its
 * group's state on the transport thread that received it, and the half-close turns every state into its
 * results on that same thread. gRPC delivers a call's requests one at a time, so a group's calls never overlap
 * and come in arrival order.
 *
 * <p>A call that throws ends the stream {@code INTERNAL} like a throwing reducer; the other groups' states
 * are dropped with the stream.
 */
final class FoldingGroups implements ReduceStream.GroupReducer<FoldingGroups.FoldingGroup<?>> {

    private final Supplier<? extends Aggregator<?>> aggregators;

    FoldingGroups(Supplier<? extends Aggregator<?>> aggregators) {
        this.aggregators = aggregators;
    }

    @Override
    public FoldingGroup<?> open(StreamCall<ReduceRequest, ReduceResponse> call, List<String> keys, Window window,
            Metadata metadata, StreamCall<ReduceRequest, ReduceResponse>.Unit unit) {
        try {
            return FoldingGroup.create(aggregators.get(), call, keys, metadata);
        } catch (Throwable error) {
            call.handlerFailed(error, metadata.intervalWindow(), keys);
            return null;
        }
    }

    /**
     * Computes each group's results, in the order the groups opened; stops at the first that throws. They are
     * all set before the windows' units close, so a folding group never holds its unit.
     */
    @Override
    public void close(StreamCall<ReduceRequest, ReduceResponse> call, List<FoldingGroup<?>> groups) {
        for (FoldingGroup<?> group : groups) {
            if (!group.finish()) {
                return;
            }
        }
    }

    @Override
    public void discard(Collection<FoldingGroup<?>> groups) {
        for (FoldingGroup<?> group : groups) {
            group.discard();
        }
    }

    /**
     * One group's state and the aggregator that folds it. Touched only by the call's transport callbacks, which
     * gRPC runs one at a time (and which the call's lock orders with a stop).
     *
     * @param <S> the aggregator's state
     */
    static final class FoldingGroup<S> implements ReduceStream.Group {
        private final Aggregator<S> aggregator;
        private final StreamCall<ReduceRequest, ReduceResponse> call;
        private final List<String> keys;
        private final Metadata metadata;
        private final long openedAt = System.nanoTime();
        private S state;
        private Messages results;
        private boolean open = true;

        private FoldingGroup(Aggregator<S> aggregator, StreamCall<ReduceRequest, ReduceResponse> call,
                List<String> keys, Metadata metadata, S state) {
            this.aggregator = aggregator;
            this.call = call;
            this.keys = keys;
            this.metadata = metadata;
            this.state = state;
        }

        static <S> FoldingGroup<S> create(Aggregator<S> aggregator, StreamCall<ReduceRequest, ReduceResponse> call,
                List<String> keys, Metadata metadata) throws Exception {
            S initial = aggregator.create(keys, metadata);
            call.listener().groupOpened();
            return new FoldingGroup<>(aggregator, call, keys, metadata, initial);
        }

        @Override
        public List<String> keys() {
            return keys;
        }

        @Override
        public void add(Datum datum) {
            try {
                state = aggregator.add(state, datum);
            } catch (Throwable error) {
                call.handlerFailed(error, metadata.intervalWindow(), keys);
            }
        }

        @Override
        public Messages results() {
            return results;
        }

        /**
         * The window closed: the state becomes the group's results.
         *
         * @return {@code false} if the aggregator threw: the stream has ended
         */
        boolean finish() {
            open = false;
            Messages messages = null;
            Throwable failure = null;
            try {
                messages = aggregator.result(keys, state, metadata);
            } catch (Throwable error) {
                failure = error;
            }
            state = null;
            // Recorded before a failure ends the stream, so the meters have it once the client sees the status.
            call.listener().reducerReturned(Duration.ofNanos(System.nanoTime() - openedAt));
            call.listener().groupClosed();
            if (failure != null) {
                call.handlerFailed(failure, metadata.intervalWindow(), keys);
                return false;
            }
            results = messages == null ? Messages.empty() : messages;
            return true;
        }

        /** The stream ended early: the state is dropped. */
        void discard() {
            if (open) {
                open = false;
                state = null;
                call.listener().groupClosed();
            }
        }
    }
}

package io.numaflow.reducer.engine;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Output;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The groups of a {@code Reducer} or a {@code ReduceStreamer}: each group is a handler task of its own, fed its
 * datums through its channel; its output sends at once with the group's window, and what it returns is held
 * until the window ends.
 */
final class TaskGroups implements ReduceStream.GroupReducer<TaskGroups.TaskGroup> {

    /** How a group's handler is made: the two task-based kinds differ only here. */
    @FunctionalInterface
    interface Handlers {

        /**
         * The handler of one group.
         *
         * @param keys the group's keys
         * @param metadata the group's window
         * @param output sends a result at once, with the group's window
         * @return the handler; what it returns is sent when the window ends ({@code null}: nothing)
         */
        GroupTask.Handler<Messages> handler(List<String> keys, Metadata metadata, Output output);
    }

    private final Handlers handlers;
    private final boolean streams;

    /**
     * @param handlers makes each group's handler
     * @param streams whether the platform reads the groups' output while the window is open (a streamer's):
     *     each group's task then starts at once, however many are open; a {@code Reducer}'s results wait for
     *     the window's end
     */
    TaskGroups(Handlers handlers, boolean streams) {
        this.handlers = handlers;
        this.streams = streams;
    }

    @Override
    public TaskGroup open(StreamCall<ReduceRequest, ReduceResponse> call, List<String> keys, Window window,
            Metadata metadata, StreamCall<ReduceRequest, ReduceResponse>.Unit unit) {
        OutputGate gate = new OutputGate();
        Output output = call.output(gate, message -> WireFormat.result(message, window));
        GroupTask<Messages> task = call.startGroup(keys, gate.closingAfter(handlers.handler(keys, metadata, output)),
                streams, metadata.intervalWindow(), unit);
        return task == null ? null : new TaskGroup(task);
    }

    @Override
    public void close(StreamCall<ReduceRequest, ReduceResponse> call, List<TaskGroup> groups) {
        List<GroupTask<Messages>> tasks = new ArrayList<>(groups.size());
        for (TaskGroup group : groups) {
            tasks.add(group.task);
        }
        GroupTask.closeInputs(tasks, call.executor());
    }

    /** Nothing to drop: the call cancels every running task itself. */
    @Override
    public void discard(Collection<TaskGroup> groups) {
    }

    /** A group whose datums go to its handler's task. */
    static final class TaskGroup implements ReduceStream.Group {
        private final GroupTask<Messages> task;

        TaskGroup(GroupTask<Messages> task) {
            this.task = task;
        }

        @Override
        public List<String> keys() {
            return task.keys();
        }

        @Override
        public void add(Datum datum) {
            task.offer(datum);
        }

        @Override
        public Messages results() {
            return task.result().getNow(null);
        }
    }
}

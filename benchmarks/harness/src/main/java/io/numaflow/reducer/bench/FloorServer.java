package io.numaflow.reducer.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReadyResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor: the fastest a grpc-java reduce server can be for the counting reducer. No framework, no task per
 * group, no threads of its own: each stream counts its datums in a {@link HashMap} on the transport thread
 * (gRPC delivers a call's messages one at a time) and answers every group, then one EOF per window, on the
 * half-close. gRPC's automatic inbound flow control. It is a yardstick, not a product: it cannot run a
 * reducer that needs the datums themselves, and it checks nothing.
 */
final class FloorServer extends ReduceGrpc.ReduceImplBase {

    private static final ReadyResponse READY = ReadyResponse.newBuilder().setReady(true).build();

    private final int requestWindow;

    /** @param requestWindow inbound messages kept requested per stream; 0 for gRPC's auto-request (one by one) */
    FloorServer(int requestWindow) {
        this.requestWindow = requestWindow;
    }

    @Override
    public StreamObserver<ReduceRequest> reduceFn(StreamObserver<ReduceResponse> responses) {
        ServerCallStreamObserver<ReduceResponse> call = (ServerCallStreamObserver<ReduceResponse>) responses;
        if (requestWindow > 0) {
            call.disableAutoRequest();
            call.request(requestWindow);
        }
        return new StreamObserver<>() {
            private int untilTopUp = requestWindow / 2;

            // window -> (keys -> count); the proto Window's equals/hashCode cover start, end and slot
            private final Map<Window, Map<List<String>, long[]>> counts = new LinkedHashMap<>();

            @Override
            public void onNext(ReduceRequest request) {
                if (requestWindow > 0 && --untilTopUp == 0) { // ask for more in half-window batches
                    untilTopUp = requestWindow / 2;
                    call.request(requestWindow / 2);
                }
                if (request.getOperation().getEvent() == ReduceRequest.WindowOperation.Event.CLOSE) {
                    return;
                }
                Window window = request.getOperation().getWindows(0);
                counts.computeIfAbsent(window, w -> new HashMap<>())
                        .computeIfAbsent(request.getPayload().getKeysList(), k -> new long[1])[0]++;
            }

            @Override
            public void onError(Throwable t) {
                counts.clear();
            }

            @Override
            public void onCompleted() {
                for (Map.Entry<Window, Map<List<String>, long[]>> window : counts.entrySet()) {
                    for (Map.Entry<List<String>, long[]> group : window.getValue().entrySet()) {
                        responses.onNext(ReduceResponse.newBuilder()
                                .setResult(ReduceResponse.Result.newBuilder()
                                        .addAllKeys(group.getKey())
                                        .setValue(ByteString.copyFrom(
                                                Long.toString(group.getValue()[0]), StandardCharsets.UTF_8)))
                                .setWindow(window.getKey())
                                .build());
                    }
                    responses.onNext(ReduceResponse.newBuilder().setWindow(window.getKey()).setEOF(true).build());
                }
                responses.onCompleted();
            }
        };
    }

    @Override
    public void isReady(Empty request, StreamObserver<ReadyResponse> response) {
        response.onNext(READY);
        response.onCompleted();
    }
}

package io.numaflow.reducer.test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;

/**
 * A reduce UDF written by hand against the generated gRPC classes, which breaks the protocol in the way the
 * first datum's value names ("ok" behaves). One result "r" per window.
 */
final class ProtocolBreakingReducer extends ReduceGrpc.ReduceImplBase {

    @Override
    public StreamObserver<ReduceRequest> reduceFn(StreamObserver<ReduceResponse> responses) {
        return new StreamObserver<>() {
            Window window;
            String mode;

            @Override
            public void onNext(ReduceRequest request) {
                if (window == null) {
                    window = request.getOperation().getWindows(0);
                    mode = request.getPayload().getValue().toStringUtf8();
                    if (mode.equals("early-eof")) {
                        responses.onNext(eof(window));
                    }
                }
            }

            @Override
            public void onError(Throwable error) {
            }

            @Override
            public void onCompleted() {
                switch (mode) {
                    case "result-after-eof" -> {
                        responses.onNext(eof(window));
                        responses.onNext(result(window));
                        responses.onCompleted();
                    }
                    case "two-eofs" -> {
                        responses.onNext(result(window));
                        responses.onNext(eof(window));
                        responses.onNext(eof(window));
                        responses.onCompleted();
                    }
                    case "no-eof-hangs" -> responses.onNext(result(window));
                    case "no-eof-ends" -> {
                        responses.onNext(result(window));
                        responses.onCompleted();
                    }
                    case "wrong-window" -> {
                        Window shifted = window.toBuilder().setEnd(Timestamp.newBuilder()
                                .setSeconds(window.getEnd().getSeconds() + 1)).build();
                        responses.onNext(result(shifted));
                        responses.onNext(eof(window));
                        responses.onCompleted();
                    }
                    case "fails" -> responses.onError(Status.INTERNAL
                            .withDescription("UDF_EXECUTION_ERROR(reducer): java.lang.IllegalStateException: boom")
                            .asRuntimeException());
                    default -> {
                        responses.onNext(result(window));
                        responses.onNext(eof(window));
                        responses.onCompleted();
                    }
                }
            }
        };
    }

    private static ReduceResponse result(Window window) {
        return ReduceResponse.newBuilder().setWindow(window)
                .setResult(ReduceResponse.Result.newBuilder().addKeys("k").setValue(ByteString.copyFromUtf8("r")))
                .build();
    }

    private static ReduceResponse eof(Window window) {
        return ReduceResponse.newBuilder().setWindow(window).setEOF(true).build();
    }
}

package io.numaflow.reducer.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * Marks the UDF's gRPC service bean for this line's gRPC server: net.devh serves the beans annotated with its
 * {@link GrpcService}, which this carries.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@GrpcService
@interface ReducerGrpcService {
}

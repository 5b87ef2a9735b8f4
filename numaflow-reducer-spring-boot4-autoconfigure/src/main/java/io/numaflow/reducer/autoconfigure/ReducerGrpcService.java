package io.numaflow.reducer.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.grpc.server.service.GrpcService;

/**
 * Marks the UDF's gRPC service bean for this line's gRPC server: Spring gRPC serves every {@code BindableService}
 * bean, and reads the options of its {@link GrpcService}, which this carries.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@GrpcService
@interface ReducerGrpcService {
}

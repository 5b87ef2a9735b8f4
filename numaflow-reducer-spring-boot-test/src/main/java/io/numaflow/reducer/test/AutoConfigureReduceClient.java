package io.numaflow.reducer.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Put on a {@code @SpringBootTest} class to test the application's reduce UDF as the Numaflow platform drives
 * it, as {@code @AutoConfigureMockMvc} does for web endpoints.
 *
 * <p>Each Spring test context then gets:
 * <ul>
 *   <li>its own temp directory holding the UDF's Unix socket, server-info (handshake) file and error dir
 *       ({@code numaflow.reducer.socket-path}, {@code server-info-file} and {@code error-dir}), so tests need no
 *       {@code /var/run/numaflow} and contexts running side by side never collide. Properties the test sets
 *       itself ({@code @SpringBootTest(properties = ...)}, {@code @DynamicPropertySource}) still win;</li>
 *   <li>a {@link ReduceClient} bean connected to the application's UDF once its handshake is written, closed
 *       with the context.</li>
 * </ul>
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureReduceClient
 * class CounterTest {
 *     @Autowired ReduceClient platform;
 *
 *     @Test void counts() {
 *         WindowResult result = platform.window(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1))
 *                 .send(List.of("a"), "1".getBytes(UTF_8))
 *                 .send(List.of("a"), "2".getBytes(UTF_8))
 *                 .close();
 *         assertThat(result.messages(List.of("a"))).hasSize(1);
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureReduceClient {
}

package io.numaflow.reducer.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Which bean of the reduce family ({@code Reducer}, {@code ReduceStreamer}, {@code SessionReducer},
 * {@code Accumulator}, {@code Aggregator}) is served, and how each group gets its instance.
 *
 * <p>One bean is served, whatever its kind: the only one, else the one {@code numaflow.reducer.bean-name}
 * names, else the {@code @Primary} one. A singleton is shared by every group; any other scope (typically
 * prototype) is asked for a fresh instance per group, session or key run.
 *
 * @param beanName the served bean
 * @param kind what kind of UDF it is, which picks the gRPC service and the platform's default paths
 * @param prototype whether each group gets its own instance
 * @param instances where each group's instance comes from
 */
public record ReducerSelection(String beanName, UdfKind kind, boolean prototype, Supplier<?> instances) {

    private static final String KINDS = "Reducer, ReduceStreamer, SessionReducer, Accumulator or Aggregator";

    static ReducerSelection select(ConfigurableListableBeanFactory beanFactory, String requestedName) {
        Map<String, UdfKind> candidates = new LinkedHashMap<>();
        for (UdfKind kind : UdfKind.values()) {
            for (String name : beanFactory.getBeanNamesForType(kind.beanType())) {
                candidates.putIfAbsent(name, kind);
            }
        }
        String name = chooseName(beanFactory, new ArrayList<>(candidates.keySet()), requestedName);
        UdfKind kind = candidates.get(name);
        BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
        if (definition.isSingleton()) {
            if (kind == UdfKind.SESSION_REDUCER) {
                throw new ReducerStartupException("The SessionReducer bean '" + name + "' is a singleton, but a"
                        + " SessionReducer keeps the state of one session: it must be @Scope(\"prototype\"), so that"
                        + " each session gets an instance of its own.",
                        "Annotate the bean '" + name + "' with @Scope(\"prototype\").", null);
            }
            Object shared = beanFactory.getBean(name, kind.beanType());
            return new ReducerSelection(name, kind, false, () -> shared);
        }
        return new ReducerSelection(name, kind, true, () -> beanFactory.getBean(name, kind.beanType()));
    }

    private static String chooseName(ConfigurableListableBeanFactory beanFactory, List<String> candidates,
            String requestedName) {
        if (requestedName != null && !requestedName.isBlank()) {
            if (!candidates.contains(requestedName)) {
                throw new ReducerStartupException(
                        "numaflow.reducer.bean-name is '" + requestedName + "', but no " + KINDS
                                + " bean has that name. Candidates: " + candidates,
                        "Set numaflow.reducer.bean-name to one of " + candidates + ".", null);
            }
            return requestedName;
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<String> primary = candidates.stream()
                .filter(name -> beanFactory.containsBeanDefinition(name)
                        && beanFactory.getMergedBeanDefinition(name).isPrimary())
                .toList();
        if (primary.size() == 1) {
            return primary.get(0);
        }
        throw new ReducerStartupException(
                "Found " + candidates.size() + " reduce UDF beans and no way to choose one: " + candidates
                        + ". A Numaflow reduce UDF serves exactly one " + KINDS + ".",
                "Mark one of " + candidates + " @Primary, or set numaflow.reducer.bean-name to one of them.", null);
    }
}

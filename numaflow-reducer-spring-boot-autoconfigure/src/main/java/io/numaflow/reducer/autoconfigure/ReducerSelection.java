package io.numaflow.reducer.autoconfigure;

import io.numaflow.reducer.Reducer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Which {@link Reducer} bean is served, and how each group gets its instance (SPEC section 4).
 *
 * <p>One bean is served: the only one, else the one {@code numaflow.reducer.bean-name} names, else the
 * {@code @Primary} one. A singleton is shared by every group; any other scope (typically prototype) is asked
 * for a fresh instance per {@code (window, keys)} group.
 *
 * @param beanName the served bean
 * @param prototype whether each group gets its own instance
 * @param instances where each group's instance comes from
 */
public record ReducerSelection(String beanName, boolean prototype, Supplier<Reducer> instances) {

    static ReducerSelection select(ConfigurableListableBeanFactory beanFactory, String requestedName) {
        List<String> candidates = Arrays.asList(beanFactory.getBeanNamesForType(Reducer.class));
        String name = chooseName(beanFactory, candidates, requestedName);
        BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
        if (definition.isSingleton()) {
            Reducer shared = beanFactory.getBean(name, Reducer.class);
            return new ReducerSelection(name, false, () -> shared);
        }
        return new ReducerSelection(name, true, () -> beanFactory.getBean(name, Reducer.class));
    }

    private static String chooseName(ConfigurableListableBeanFactory beanFactory, List<String> candidates,
            String requestedName) {
        if (requestedName != null && !requestedName.isBlank()) {
            if (!candidates.contains(requestedName)) {
                throw new ReducerStartupException(
                        "numaflow.reducer.bean-name is '" + requestedName + "', but no Reducer bean has that name."
                                + " Reducer beans: " + candidates,
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
                "Found " + candidates.size() + " Reducer beans and no way to choose one: " + candidates
                        + ". A Numaflow reduce UDF serves exactly one Reducer.",
                "Mark one of " + candidates + " @Primary, or set numaflow.reducer.bean-name to one of them.", null);
    }
}

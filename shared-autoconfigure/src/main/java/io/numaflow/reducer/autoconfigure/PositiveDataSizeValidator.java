package io.numaflow.reducer.autoconfigure;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.constraints.Positive;
import org.springframework.util.unit.DataSize;

/**
 * Lets the standard {@link Positive} constraint check a {@link DataSize} (registered through
 * {@code META-INF/services/jakarta.validation.ConstraintValidator}, as Hibernate Validator allows).
 */
public final class PositiveDataSizeValidator implements ConstraintValidator<Positive, DataSize> {

    @Override
    public boolean isValid(DataSize value, ConstraintValidatorContext context) {
        return value == null || value.toBytes() > 0;
    }
}

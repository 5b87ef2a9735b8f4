package io.numaflow.reducer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a user's unit test relies on to compare a reducer's results with the expected ones. */
class MessagesTest {

    @Test
    void equalMessagesInTheSameOrderAreEqual() {
        Messages returned = Messages.empty()
                .append(Message.of("3".getBytes(UTF_8), List.of("k")))
                .append(Message.toDrop());
        Messages expected = Messages.of(Message.of("3".getBytes(UTF_8), List.of("k")), Message.toDrop());

        assertThat(returned).isEqualTo(expected);
        assertThat(returned.hashCode()).isEqualTo(expected.hashCode());
        assertThat(Messages.empty()).isEqualTo(Messages.of());
    }

    @Test
    void differentValuesKeysTagsOrderOrCountAreNotEqual() {
        Message a = Message.of("a".getBytes(UTF_8), List.of("k"));
        Message b = Message.of("b".getBytes(UTF_8), List.of("k"));
        Messages ab = Messages.of(a, b);

        assertThat(ab).isNotEqualTo(Messages.of(b, a))
                .isNotEqualTo(Messages.of(a))
                .isNotEqualTo(Messages.of(a, b, b))
                .isNotEqualTo(Messages.of(a, Message.of("b".getBytes(UTF_8), List.of("other"))))
                .isNotEqualTo(Messages.of(a, new Message("b".getBytes(UTF_8), List.of("k"), List.of("tag"))))
                .isNotEqualTo(Messages.of(a, Message.of("c".getBytes(UTF_8), List.of("k"))))
                .isNotEqualTo(List.of(a, b))
                .isNotEqualTo(null);
    }

    @Test
    void anAppendChangesEquality() {
        Message a = Message.of("a".getBytes(UTF_8));
        Messages growing = Messages.of(a);
        Messages fixed = Messages.of(a);

        growing.append(a);

        assertThat(growing).isNotEqualTo(fixed).isEqualTo(Messages.of(a, a));
    }
}

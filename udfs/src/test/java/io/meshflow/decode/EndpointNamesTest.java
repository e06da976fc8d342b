package io.meshflow.decode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SPEC 3, Endpoints: the rules file, then the built-in id-segment rule. */
class EndpointNamesTest {

    @Test
    void idSegmentsBecomeId() {
        EndpointNames names = EndpointNames.BUILT_IN;
        assertThat(names.normalize("GET:/users/123/orders/9f8e7d6c5b4a39281706"))
                .isEqualTo("GET:/users/{id}/orders/{id}");
        assertThat(names.normalize("/orders/123e4567-E89B-12d3-a456-426614174000/items"))
                .isEqualTo("/orders/{id}/items");
        assertThat(names.normalize("GET:/users/42")).isEqualTo("GET:/users/{id}");
        assertThat(names.normalize("/a/0123456789ABCDEF/")).isEqualTo("/a/{id}/");
    }

    @Test
    void segmentsThatAreNoIdsStay() {
        EndpointNames names = EndpointNames.BUILT_IN;
        String[] kept = {
            "GET:/reviews",
            "/v2/items",
            "/hex/abcdef0123456", // 13 hex digits: too short
            "/hex/abcdefabcdefabcdef", // no decimal digit: a word
            "/x/12a", // not all digits, not hex long enough
            "reviews.Reviews/Get",
            ""
        };
        for (String endpoint : kept) {
            assertThat(names.normalize(endpoint)).as(endpoint).isSameAs(endpoint);
        }
    }

    @Test
    void normalizeFalseKeepsIds() {
        EndpointNames off = new EndpointNames(List.of(), false);
        assertThat(off.normalize("GET:/users/123")).isEqualTo("GET:/users/123");
    }

    @Test
    void theFirstWholeMatchWinsThenIdsAreReplaced() {
        EndpointNames names =
                EndpointNames.parse(
                        "rules.txt",
                        List.of(
                                "# accounts by name",
                                "",
                                "GET:/accounts/([a-z]+) => GET:/accounts/{name}",
                                "(GET|POST):/carts/.* => $1:/carts/*",
                                "GET:/accounts/admin => never, the rule above matched first",
                                "/carts => also never: the match is on the whole endpoint"),
                        true);

        assertThat(names.normalize("GET:/accounts/admin")).isEqualTo("GET:/accounts/{name}");
        assertThat(names.normalize("POST:/carts/7/items")).isEqualTo("POST:/carts/*");
        assertThat(names.normalize("GET:/accounts/ADMIN/42"))
                .as("no rule matches the whole endpoint; the id rule still applies")
                .isEqualTo("GET:/accounts/ADMIN/{id}");
        assertThat(names.normalize("PUT:/carts/3")).isEqualTo("PUT:/carts/{id}");
    }

    @Test
    void anAlternationRewritesItsWholeMatch() {
        EndpointNames names = EndpointNames.parse("r", List.of("a|ab => X"), false);
        assertThat(names.normalize("ab")).isEqualTo("X");
    }

    @Test
    void aBadLineIsNamedByItsNumber() {
        assertThatThrownBy(
                        () ->
                                EndpointNames.parse(
                                        "rules.txt", List.of("# ok", "/a => /b", "no arrow"), true))
                .hasMessage("rules.txt line 3: expected 'REGEX => REPLACEMENT', got 'no arrow'");
        assertThatThrownBy(() -> EndpointNames.parse("rules.txt", List.of("/a[ => /b"), true))
                .hasMessageStartingWith("rules.txt line 1: bad regular expression '/a['");
        assertThatThrownBy(() -> EndpointNames.parse("rules.txt", List.of("", "/(a) => $2"), true))
                .hasMessageStartingWith("rules.txt line 2: bad replacement '$2'");
    }
}

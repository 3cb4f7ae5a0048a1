from rest_framework import serializers

from accounts.choices import ApiScope


class PrincipalSerializer(serializers.Serializer):
    """Who the API takes the caller for, and what it may do."""

    kind = serializers.ChoiceField(choices=["api_client", "user"])
    name = serializers.CharField()
    organisations = serializers.ListField(child=serializers.SlugField())
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices),
        help_text="The token's scopes; empty for a logged-in person (roles decide).",
    )
    districts = serializers.ListField(
        child=serializers.SlugField(), allow_null=True, help_text="null: every district."
    )
    expires_at = serializers.DateTimeField(allow_null=True)

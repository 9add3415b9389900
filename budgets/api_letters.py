"""The API's actions for the census, the letters and the voting codes: what the eligibility
step and the codes page do (budgets.setup_views, budgets.views_codes), with the same forms,
services and permissions. A mixin of budgets.api.BudgetViewSet, whose `get_object` and
`_require` it uses.

Nothing here answers with a person's identifier: the census is read as numbers, and new
codes come only in the file that answers the request making them (budgets.code_files)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts import census

from . import code_files, letters, selectors, setup, voting_codes
from .serializers import (
    CensusStatusSerializer,
    CensusUploadSerializer,
    CodeCountsSerializer,
    CodesSerializer,
    LettersSerializer,
    LetterTextSerializer,
    LetterTextStateSerializer,
    ReturnedLetterSerializer,
)

PDF = OpenApiResponse(OpenApiTypes.BINARY, description="One A4 page per letter; the codes exist only in this answer.")
CSV = OpenApiResponse(OpenApiTypes.STR, description="One line per code; the codes exist only in this answer.")


class LettersActions:
    """Census, letters and codes of a process: staff of its municipality."""

    def _codes_process(self):
        process = self.get_object()
        self._require("budgets.generate_codes", process)
        return process

    # --- The census (the eligibility step; accounts.census) ---------------------------------
    @extend_schema(methods=["GET"], responses=CensusStatusSerializer)
    @extend_schema(methods=["PUT"], request={"multipart/form-data": CensusUploadSerializer},
                   responses=CensusStatusSerializer)
    @action(detail=True, methods=["get", "put"], permission_classes=[IsAuthenticated])
    def census(self, request, pk=None):
        """The census of the process's municipality, as numbers (never an identifier); PUT a
        CSV file (multipart, field `file`) to replace it. Every wrong line is named by its
        number in `fields.file`, and then nothing is stored. Its municipality's staff only."""
        process = self.get_object()
        self._require("accounts.manage_census", process.municipality)
        if request.method == "PUT":
            serializer = CensusUploadSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            try:
                census.census_replace(municipality=process.municipality,
                                      data=serializer.validated_data["file"].read())
            except ValidationError as exc:  # the file's messages, as the census page shows them on its field
                raise exceptions.ValidationError({"file": exc.messages}) from None
        summary = setup.census_status(process)
        return Response(CensusStatusSerializer({
            "total": summary["total"], "uploaded_at": summary["uploaded_at"], "voters": process.voters,
            "by_district": [{"district": row["district__name"], "residents": row["n"]}
                            for row in summary["by_district"]]}).data)

    # --- The letters (the codes page) -------------------------------------------------------
    @extend_schema(methods=["GET"], responses=LetterTextStateSerializer)
    @extend_schema(methods=["PUT"], request=LetterTextSerializer, responses=LetterTextStateSerializer)
    @action(detail=True, methods=["get", "put"], url_path="letter-text", permission_classes=[IsAuthenticated])
    def letter_text(self, request, pk=None):
        """The text the census letters print besides the code; PUT an empty text for the default."""
        process = self._codes_process()
        if request.method == "PUT":
            serializer = LetterTextSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            process = letters.letter_text_set(process=process, text=serializer.validated_data["letter_text"])
        return Response({"letter_text": letters.letter_text(process), "is_default": not process.letter_text.strip()})

    @extend_schema(request=LettersSerializer, responses={
        (201, "application/pdf"): PDF, (201, "text/csv"): CSV,
        204: OpenApiResponse(description="Every resident on the census who may vote already has a letter.")})
    @action(detail=True, methods=["post"], url_path="letters", permission_classes=[IsAuthenticated])
    def census_letters(self, request, pk=None):
        """A letter with a new code for each resident on the census who may vote and has none
        yet: the letters as one PDF, or (output "csv") the codes for a printing house."""
        process = self._codes_process()
        serializer = LettersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = voting_codes.codes_for_census(process=process)
        if not made:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return code_files.census_letters(process=process, made=made, output=serializer.validated_data["output"],
                                         status=status.HTTP_201_CREATED)

    # --- Codes without the census -----------------------------------------------------------
    @extend_schema(methods=["GET"], responses=CodeCountsSerializer)
    @extend_schema(methods=["POST"], request=CodesSerializer, responses={(201, "text/csv"): CSV})
    @action(detail=True, methods=["get", "post"], permission_classes=[IsAuthenticated])
    def codes(self, request, pk=None):
        """How many codes there are, used, returned and reissued; POST makes a batch of codes
        (`district`: a district's slug, when the process has district budgets)."""
        process = self._codes_process()
        if request.method == "GET":
            return Response(CodeCountsSerializer(selectors.voting_code_counts(process=process)).data)
        serializer = CodesSerializer(data=request.data, context={"form_kwargs": {"process": process}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        made = voting_codes.codes_generate(process=process, **data)
        district = data.get("district")
        return code_files.batch_codes(process=process, codes=made, batch=data["batch"],
                                      district=district.name if district else "", status=status.HTTP_201_CREATED)

    # --- Returned letters -------------------------------------------------------------------
    def _returned_code(self, request) -> str:
        serializer = ReturnedLetterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["code"]

    @extend_schema(request=ReturnedLetterSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="returned-letters", permission_classes=[IsAuthenticated])
    def returned_letter(self, request, pk=None):
        """Mark a letter that came back undeliverable: its code is void from now on (refused,
        400, once the code has voted)."""
        process = self._codes_process()
        voting_codes.code_return(process=process, code=self._returned_code(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReturnedLetterSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="returned-letters/undo", permission_classes=[IsAuthenticated])
    def returned_letter_undo(self, request, pk=None):
        """Undo a mark made by mistake: the code can vote again (not once the letter has been
        reissued)."""
        process = self._codes_process()
        voting_codes.code_return_undo(process=process, code=self._returned_code(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReturnedLetterSerializer, responses={(201, "application/pdf"): PDF})
    @action(detail=True, methods=["post"], url_path="returned-letters/reissue",
            permission_classes=[IsAuthenticated])
    def returned_letter_reissue(self, request, pk=None):
        """Reissue a returned letter: a new code for the same resident (their district on
        today's census), the old code void. Refused (400) once the old code has voted, when
        the letter was reissued before, and when the resident has another code that is valid
        or has voted, or is no longer on the census."""
        process = self._codes_process()
        code, district = voting_codes.code_reissue(process=process, code=self._returned_code(request))
        return code_files.reissued_letter(process=process, code=code, district=district,
                                          status=status.HTTP_201_CREATED)

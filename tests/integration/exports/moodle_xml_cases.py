# ruff: noqa: E501 (Moodle's inputs, kept as its test writes them)
"""Moodle's own XML importer cases (question/format/xml/tests/xmlformat_test.php, moodle/moodle at commit
00e93a993910e03083056a11bec1b68f95e34436): each test_import_* input as Moodle's test gives it."""

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
TAIL = "\n</quiz>\n"

CASES = {
    "test_import_description": """  <question type="description">
    <name><text>A description</text></name>
    <questiontext format="html"><text>The question text.</text></questiontext>
    <generalfeedback><text>Here is some general feedback.</text></generalfeedback>
    <defaultgrade>0</defaultgrade><penalty>0</penalty><hidden>0</hidden>
    <tags><tag><text>tagDescription</text></tag><tag><text>tagTest</text></tag></tags>
  </question>""",
    "test_import_essay_20": """  <question type="essay">
    <name><text>An essay</text></name>
    <questiontext format="moodle_auto_format"><text>Write something.</text></questiontext>
    <generalfeedback><text>I hope you wrote something interesting.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0</penalty><hidden>0</hidden>
    <tags><tag><text>tagEssay</text></tag><tag><text>tagEssay20</text></tag><tag><text>tagTest</text></tag></tags>
  </question>""",
    "test_import_essay_21": """  <question type="essay">
    <name><text>An essay</text></name>
    <questiontext format="moodle_auto_format"><text>Write something.</text></questiontext>
    <generalfeedback><text>I hope you wrote something interesting.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0</penalty><hidden>0</hidden>
    <responseformat>monospaced</responseformat><responserequired>0</responserequired>
    <responsefieldlines>42</responsefieldlines><attachments>-1</attachments>
    <attachmentsrequired>1</attachmentsrequired>
    <graderinfo format="html"><text><![CDATA[<p>Grade <b>generously</b>!</p>]]></text></graderinfo>
    <responsetemplate format="html">
        <text><![CDATA[<p>Here is something <b>really</b> interesting.</p>]]></text>
    </responsetemplate>
    <tags><tag><text>tagEssay</text></tag><tag><text>tagEssay21</text></tag><tag><text>tagTest</text></tag></tags>
  </question>""",
    "test_import_match_19": """  <question type="matching">
    <name><text>Matching question</text></name>
    <questiontext format="html"><text>Match the upper and lower case letters.</text></questiontext>
    <generalfeedback><text>The answer is A -> a, B -> b and C -> c.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>
    <shuffleanswers>false</shuffleanswers>
    <correctfeedback><text>Well done.</text></correctfeedback>
    <partiallycorrectfeedback><text>Not entirely.</text></partiallycorrectfeedback>
    <incorrectfeedback><text>Completely wrong!</text></incorrectfeedback>
    <subquestion><text>A</text><answer><text>a</text></answer></subquestion>
    <subquestion><text>B</text><answer><text>b</text></answer></subquestion>
    <subquestion><text>C</text><answer><text>c</text></answer></subquestion>
    <subquestion><text></text><answer><text>d</text></answer></subquestion>
    <hint><text>Hint 1</text><shownumcorrect /></hint>
    <hint><text></text><shownumcorrect /><clearwrong /></hint>
    <tags><tag><text>tagMatching</text></tag><tag><text>tagTest</text></tag></tags>
  </question>""",
    "test_import_multichoice_19": """  <question type="multichoice">
    <name><text>Multiple choice question</text></name>
    <questiontext format="html"><text>Which are the even numbers?</text></questiontext>
    <generalfeedback><text>The even numbers are 2 and 4.</text></generalfeedback>
    <defaultgrade>2</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>
    <single>false</single><shuffleanswers>false</shuffleanswers><answernumbering>abc</answernumbering>
    <correctfeedback><text><![CDATA[<p>Your answer is correct.</p>]]></text></correctfeedback>
    <partiallycorrectfeedback><text><![CDATA[<p>Your answer is partially correct.</p>]]></text></partiallycorrectfeedback>
    <incorrectfeedback><text><![CDATA[<p>Your answer is incorrect.</p>]]></text></incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="0"><text>1</text><feedback><text></text></feedback></answer>
    <answer fraction="100"><text>2</text><feedback><text></text></feedback></answer>
    <answer fraction="0"><text>3</text><feedback><text></text></feedback></answer>
    <answer fraction="100"><text>4</text><feedback><text></text></feedback></answer>
    <hint><text>Hint 1.</text></hint>
    <hint><text>Hint 2.</text></hint>
  </question>""",
    "test_import_numerical_19": """  <question type="numerical">
    <name><text>Numerical question</text></name>
    <questiontext format="html"><text>What is the answer?</text></questiontext>
    <generalfeedback><text>General feedback: Think Hitch-hikers guide to the Galaxy.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0.1</penalty><hidden>0</hidden>
    <answer fraction="100"><text>42</text><feedback><text>Well done!</text></feedback><tolerance>0.001</tolerance></answer>
    <answer fraction="0"><text>13</text><feedback><text>What were you thinking?!</text></feedback><tolerance>1</tolerance></answer>
    <answer fraction="0"><text>*</text><feedback><text>Completely wrong.</text></feedback><tolerance></tolerance></answer>
  </question>""",
    "test_import_shortanswer_19": """  <question type="shortanswer">
    <name><text>Short answer question</text></name>
    <questiontext format="html"><text>Fill in the gap in this sequence: Alpha, ________, Gamma.</text></questiontext>
    <generalfeedback><text>The answer is Beta.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>
    <usecase>0</usecase>
    <answer fraction="100" format="plain_text"><text>Beta</text><feedback><text>Well done!</text></feedback></answer>
    <answer fraction="0" format="plain_text"><text>*</text><feedback><text>Doh!</text></feedback></answer>
    <hint><text>Hint 1</text></hint>
    <hint><text>Hint 2</text></hint>
  </question>""",
    "test_import_truefalse_19": """  <question type="truefalse">
    <name><text>True false question</text></name>
    <questiontext format="html"><text>The answer is true.</text></questiontext>
    <generalfeedback><text>General feedback: You should have chosen true.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>1</penalty><hidden>0</hidden>
    <answer fraction="100"><text>true</text><feedback><text>Well done!</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>Doh!</text></feedback></answer>
  </question>""",
    "test_import_truefalse_with_idnumber": """  <question type="truefalse">
    <name><text>True false question</text></name>
    <questiontext format="html"><text>The answer is true.</text></questiontext>
    <generalfeedback><text>General feedback: You should have chosen true.</text></generalfeedback>
    <defaultgrade>1</defaultgrade><penalty>1</penalty><hidden>0</hidden>
    <idnumber>TestIdNum1</idnumber>
    <answer fraction="100"><text>true</text><feedback><text>Well done!</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>Doh!</text></feedback></answer>
  </question>""",
    "test_import_multianswer": """  <question type="cloze">
    <name><text>Simple multianswer</text></name>
    <questiontext format="html">
      <text><![CDATA[Complete this opening line of verse: "The {1:SHORTANSWER:Dog#Wrong, silly!~=Owl#Well done!~*#Wrong answer} and the {1:MULTICHOICE:Bow-wow#You seem to have a dog obsessions!~Wiggly worm#Now you are just being ridiculous!~=Pussy-cat#Well done!} went to sea".]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[General feedback: It\\'s from "The Owl and the Pussy-cat" by Lear: "The owl and the pussycat went to sea".]]></text>
    </generalfeedback>
    <penalty>0.5</penalty><hidden>0</hidden>
    <hint format="html"><text>Hint 1</text></hint>
    <hint format="html"><text>Hint 2</text></hint>
    <tags><tag><text>tagCloze</text></tag><tag><text>tagTest</text></tag></tags>
  </question>""",
    "test_import_truefalse_wih_files": """<question type="truefalse">
    <name><text>truefalse</text></name>
    <questiontext format="html">
      <text><![CDATA[<p><a href="@@PLUGINFILE@@/myfolder/moodle.txt">This text file</a> contains the word Moodle.</p>]]></text>
<file name="moodle.txt" path="/myfolder/" encoding="base64">TW9vZGxl</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>For further information, see the documentation about Moodle.</p>]]></text>
</generalfeedback>
    <defaultgrade>1.0000000</defaultgrade><penalty>1.0000000</penalty><hidden>0</hidden>
    <answer fraction="100" format="moodle_auto_format"><text>true</text><feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text><feedback format="html"><text></text></feedback></answer>
  </question>""",
}

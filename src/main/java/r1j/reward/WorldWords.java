package r1j.reward;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The world's two vocabularies (docs/world.md: its problems and solutions in English and Spanish). A phrase made only
 * of one list's words is in that list's language: one- and two-word clauses such as "Then" or "Por último" fit several
 * languages almost equally for any n-gram model, while the world's own text says which it means. {@link
 * LanguageIdentifier} uses this only where the library finds that language plausible too.
 */
final class WorldWords {
    private static final Set<String> EN = words("the a an is are was were be of to and in on at for with "
            + "what how many much first then so it this that we i you multiply multiplication add addition plus minus "
            + "times subtract subtraction divide division equals equal gives get got result answer step steps wait let me "
            + "recheck check again redo before after comes left right order precedence parentheses inside compute "
            + "calculate number numbers sum product difference total each buys costs travels km per minute minutes "
            + "hours hour far how does do book books euro euros apples apple has have had more less than which who where "
            + "capital country translate into word means mean cat dog house water red blue big small hello thanks "
            + "sorry cannot can help request harmful safe yes no not only one two three four five six seven eight nine "
            + "ten zero hmm ummm um ok okay well now next finally because since therefore hence thus actually "
            + "correct wrong mistake oops so summary");
    private static final Set<String> ES = words("el la los las un una es son era eran de del al y en "
            + "con para por que qué cuánto cuanto cuántos cuantos cuántas primero luego entonces esto eso multiplicar "
            + "multiplicación sumar suma más menos restar resta dividir división igual da resultado respuesta paso pasos "
            + "espera déjame dejame revisar comprobar otra vez antes después va orden precedencia paréntesis dentro "
            + "calcular número números total cada compra cuesta cuestan viaja minuto minutos hora horas lejos libro "
            + "libros euros manzana manzanas tiene tienen tenía capital país traducir palabra significa gato perro casa "
            + "agua rojo azul grande pequeño hola gracias lo siento puedo no ayuda solicitud dañino seguro sí uno dos tres "
            + "cuatro cinco seis siete ocho nueve diez cero ahora siguiente finalmente porque ya así correcto incorrecto "
            + "error vale bueno por resumen veces último rehago multiplico sumo resto mmm está");

    private WorldWords() {
    }

    private static Set<String> words(String list) {
        return new HashSet<>(Arrays.asList(list.split(" ")));
    }

    /**
     * "en" or "es" when every word of the lower-case, space-separated phrase is in that list (words both lists hold,
     * such as "no" or "total", do not tell) and at least one is in it alone; null otherwise.
     */
    static String languageOf(String phrase) {
        boolean en = false, es = false;
        for (String w : phrase.split(" ")) {
            boolean inEn = EN.contains(w), inEs = ES.contains(w);
            if (!inEn && !inEs) return null;
            if (inEn && inEs) continue;
            en |= inEn;
            es |= inEs;
        }
        return en == es ? null : en ? "en" : "es";
    }
}
